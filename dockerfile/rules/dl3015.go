package rules

import (
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3015: apt-get install runs without --no-install-recommends
var dl3015 = dockerfile.Rule{
	ID:       "DL3015",
	Version:  1,
	Title:    "apt-get install runs without --no-install-recommends.",
	Upstream: "info",
	Severity: finding.SeverityLow,
	Why:      `By default apt-get also installs "recommended" packages, often pulling in hundreds of megabytes nobody asked for and widening the attack surface.`,
	Bad: `FROM debian:12
RUN apt-get install -y curl=7.88.1-10`,
	Good: `FROM debian:12
RUN apt-get install -y --no-install-recommends curl=7.88.1-10`,
	Check: checkDL3015,
}

func checkDL3015(p *dockerfile.Pass) {
	eachRun(p, func(_ *dockerfile.Instruction, c *dockerfile.Command) bool {
		if _, ok := aptInstall(c); !ok {
			return false
		}
		if c.HasFlag("no-install-recommends") {
			return false
		}
		for _, a := range c.Args {
			if strings.Contains(a, "APT::Install-Recommends=false") || strings.Contains(a, "APT::Install-Recommends=0") {
				return false
			}
		}
		return true
	}, "avoid additional packages: apt-get install --no-install-recommends")
}
