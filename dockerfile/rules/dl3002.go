package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3002: Last user should not be root
var dl3002 = dockerfile.Rule{
	ID:       "DL3002",
	Version:  1,
	Title:    "Last user should not be root.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "Switching to root at the end of the final stage makes every process of the container run as root, so an escape from the application is an escape as root. Switch to an unprivileged user after the steps that need root.",
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
	s := p.File.FinalStage()
	if s == nil {
		return
	}
	var last *dockerfile.Instruction
	for _, in := range s.Instructions {
		if in.Cmd == "user" {
			last = in
		}
	}
	if last != nil && len(last.Args) > 0 && isRoot(p.File.Expand(last, last.Args[0])) {
		p.Report(last, "last USER of the final stage is %s", last.Args[0])
	}
}
