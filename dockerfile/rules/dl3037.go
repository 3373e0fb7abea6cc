package rules

import (
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3037: zypper install without pinned package versions
var dl3037 = dockerfile.Rule{
	ID:       "DL3037",
	Version:  1,
	Title:    "zypper install without pinned package versions.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "Without a version zypper installs whatever the repository has at build time, so builds are not reproducible.",
	Bad: `FROM opensuse/leap:15.6
RUN zypper install -y curl && zypper clean`,
	Good: `FROM opensuse/leap:15.6
RUN zypper install -y curl=8.0 && zypper clean`,
	Check: checkDL3037,
}

func checkDL3037(p *dockerfile.Pass) {
	eachRun(p, func(_ *dockerfile.Instruction, c *dockerfile.Command) bool {
		pkgs, ok := installArgs(c, "zypper", []string{"install", "in"}, "r", "repo", "t", "type", "from", "root", "D", "reposd-root", "C", "cache-dir")
		if !ok {
			return false
		}
		for _, pkg := range pkgs {
			if !strings.ContainsAny(pkg, "=<>$") && !strings.HasSuffix(pkg, ".rpm") {
				return true
			}
		}
		return false
	}, "specify versions: zypper install -y <package>=<version>")
}
