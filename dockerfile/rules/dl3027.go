package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3027: apt is used in RUN instead of apt-get or apt-cache
var dl3027 = dockerfile.Rule{
	ID:       "DL3027",
	Version:  1,
	Title:    "apt is used in RUN instead of apt-get or apt-cache.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "apt is the interactive front end: its output and behaviour are not stable for scripts and it warns so on every use. apt-get and apt-cache are the scriptable interfaces.",
	Bad: `FROM debian:12
RUN apt install -y curl`,
	Good: `FROM debian:12
RUN apt-get install -y curl`,
	Check: checkDL3027,
}

func checkDL3027(p *dockerfile.Pass) {
	eachRun(p, func(_ *dockerfile.Instruction, c *dockerfile.Command) bool { return c.Is("apt") },
		"use apt-get or apt-cache instead of apt")
}
