package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3014: apt-get install runs without -y
var dl3014 = dockerfile.Rule{
	ID:       "DL3014",
	Version:  1,
	Title:    "apt-get install runs without -y.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "Without `-y` apt-get asks for confirmation; in a build there is nobody to answer, so the install aborts or depends on a terminal quirk.",
	Bad: `FROM debian:12
RUN apt-get install curl=7.88.1-10`,
	Good: `FROM debian:12
RUN apt-get install -y curl=7.88.1-10`,
	Check: checkDL3014,
}

func checkDL3014(p *dockerfile.Pass) {
	eachRun(p, func(_ *dockerfile.Instruction, c *dockerfile.Command) bool {
		if _, ok := aptInstall(c); !ok {
			return false
		}
		return !c.HasFlag("y", "yes", "assume-yes") && !c.HasArg("-qq", "-q=2", "--quiet=2")
	}, "use the -y switch with apt-get install")
}
