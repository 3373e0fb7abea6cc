package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3033: yum install without pinned package versions
var dl3033 = dockerfile.Rule{
	ID:       "DL3033",
	Version:  1,
	Title:    "yum install without pinned package versions.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "Without a version yum installs whatever the repository has at build time, so builds are not reproducible. Name the package with its version (name-version).",
	Bad: `FROM centos:7
RUN yum install -y httpd && yum clean all`,
	Good: `FROM centos:7
RUN yum install -y httpd-2.4.6 && yum clean all`,
	Check: checkDL3033,
}

func checkDL3033(p *dockerfile.Pass) {
	eachRun(p, func(_ *dockerfile.Instruction, c *dockerfile.Command) bool {
		pkgs, ok := yumInstall(c, "yum")
		if !ok {
			return false
		}
		for _, pkg := range pkgs {
			if !rpmPinned(pkg) {
				return true
			}
		}
		return false
	}, "specify versions: yum install -y <package>-<version>")
}
