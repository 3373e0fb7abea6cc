package rules

import (
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3008: apt-get install without pinned package versions
var dl3008 = dockerfile.Rule{
	ID:       "DL3008",
	Version:  1,
	Title:    "apt-get install without pinned package versions.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "`apt-get install pkg` installs whatever version the mirror has today; builds stop being reproducible and may break on a new upstream release. Pin with `pkg=version`.",
	Bad: `FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl`,
	Good: `FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5`,
	Check: checkDL3008,
}

func checkDL3008(p *dockerfile.Pass) {
	eachRun(p, func(_ *dockerfile.Instruction, c *dockerfile.Command) bool {
		pkgs, ok := aptInstall(c)
		if !ok {
			return false
		}
		for _, pkg := range pkgs {
			if !strings.Contains(pkg, "=") && !strings.HasSuffix(pkg, ".deb") && !strings.Contains(pkg, "/") && !strings.HasPrefix(pkg, "$") {
				return true
			}
		}
		return false
	}, "pin versions in apt-get install (pkg=version)")
}
