package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3004: sudo is used in RUN
var dl3004 = dockerfile.Rule{
	ID:       "DL3004",
	Version:  1,
	Title:    "sudo is used in RUN.",
	Upstream: "error",
	Severity: finding.SeverityHigh,
	Why:      "sudo has unpredictable TTY and signal-forwarding behaviour, is rarely installed in base images, and builds already run as the current USER. Run the step as root (USER root) or use gosu/su-exec at runtime.",
	Bad: `FROM debian:12
RUN sudo apt-get update`,
	Good: `FROM debian:12
USER root
RUN apt-get update`,
	Check: checkDL3004,
}

func checkDL3004(p *dockerfile.Pass) {
	eachRun(p, func(_ *dockerfile.Instruction, c *dockerfile.Command) bool { return c.Is("sudo") },
		"do not use sudo: switch USER or use gosu")
}
