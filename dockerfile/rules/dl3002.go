package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3002: A stage ends with USER root
var dl3002 = dockerfile.Rule{
	ID:       "DL3002",
	Version:  1,
	Title:    "A stage ends with USER root.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "A stage whose last USER is root runs its container, and every image built FROM it, as root, so an escape from the application is an escape as root. Switch to an unprivileged user after the steps that need root. As in hadolint, every stage is checked, not only the final one.",
	Bad: `FROM debian:12
USER app
RUN make
USER root`,
	Good: `FROM debian:12
USER root
RUN make
USER app`,
	Check: checkDL3002,
}

func checkDL3002(p *dockerfile.Pass) {
	// As hadolint does, every stage whose last USER is root is reported.
	for _, s := range p.File.Stages {
		var last *dockerfile.Instruction
		for _, in := range s.Instructions {
			if in.Cmd == "user" {
				last = in
			}
		}
		if last != nil && len(last.Args) > 0 && isRoot(p.File.Expand(last, last.Args[0])) {
			p.Report(last, "last USER of the stage is %s", last.Args[0])
		}
	}
}
