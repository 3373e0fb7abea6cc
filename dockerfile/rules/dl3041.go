package rules

import (
	"strings"

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
		if !c.Is("dnf", "microdnf") {
			return false
		}
		words := c.Words("c", "config", "setopt", "releasever", "installroot", "enablerepo", "disablerepo", "repo", "repoid", "x", "exclude", "nodocs", "best")
		if len(words) == 0 || (words[0] != "install" && words[0] != "reinstall") {
			return false
		}
		for _, pkg := range words[1:] {
			if !rpmPinned(pkg) {
				return true
			}
		}
		return false
	}, "specify versions: dnf install -y <package>-<version>")
}

// rpmPinned reports whether an rpm package argument names a version
// (name-1.2), is a file or URL, or is a variable.
func rpmPinned(pkg string) bool {
	if strings.ContainsAny(pkg, "$/=<>") || strings.HasSuffix(pkg, ".rpm") || strings.HasPrefix(pkg, "@") {
		return true
	}
	for i := 0; i+1 < len(pkg); i++ {
		if pkg[i] == '-' && pkg[i+1] >= '0' && pkg[i+1] <= '9' {
			return true
		}
	}
	return false
}
