package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3003: cd is used in RUN where WORKDIR would do
var dl3003 = dockerfile.Rule{
	ID:       "DL3003",
	Version:  1,
	Title:    "cd is used in RUN where WORKDIR would do.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "`cd` in a RUN only lasts for that RUN; later instructions silently start elsewhere. WORKDIR changes the directory for every following instruction and documents it.",
	Bad: `FROM debian:12
RUN cd /usr/src/app && make`,
	Good: `FROM debian:12
WORKDIR /usr/src/app
RUN make`,
	Check: checkDL3003,
}

func checkDL3003(p *dockerfile.Pass) {
	eachRun(p, func(_ *dockerfile.Instruction, c *dockerfile.Command) bool { return c.Is("cd") },
		"use WORKDIR to switch to a directory instead of cd")
}
