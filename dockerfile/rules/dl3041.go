package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3041: dnf install without pinned package versions
var dl3041 = dockerfile.Rule{
	ID:       "DL3041",
	Version:  1,
	Title:    "dnf install without pinned package versions.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "Without a version dnf installs whatever the repository has at build time, so builds are not reproducible. Name the package with its version (name-version).",
	Bad: `FROM fedora:40
RUN dnf install -y httpd && dnf clean all`,
	Good: `FROM fedora:40
RUN dnf install -y httpd-2.4.59 && dnf clean all`,
	Check: checkDL3041,
}

func checkDL3041(p *dockerfile.Pass) {
	eachRun(p, func(_ *dockerfile.Instruction, c *dockerfile.Command) bool {
		pkgs, ok := yumInstall(c, "dnf", "microdnf")
		if !ok {
			return false
		}
		for _, pkg := range pkgs {
			if !rpmPinned(pkg) {
				return true
			}
		}
		return false
	}, "specify versions: dnf install -y <package>-<version>")
}
