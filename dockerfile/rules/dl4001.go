package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL4001: Both wget and curl are used
var dl4001 = dockerfile.Rule{
	ID:       "DL4001",
	Version:  1,
	Title:    "Both wget and curl are used.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "Installing and using both download tools doubles what ships in the image for no gain; pick one.",
	Bad: `FROM debian:12
RUN curl -fsSLO https://a/x
RUN wget -q https://a/y`,
	Good: `FROM debian:12
RUN curl -fsSLO https://a/x && curl -fsSLO https://a/y`,
	Check: checkDL4001,
}

func checkDL4001(p *dockerfile.Pass) {
	// As hadolint does: per stage, each RUN using curl or wget once both
	// have been used in the stage (this RUN included).
	for _, s := range p.File.Stages {
		curl, wget := false, false
		for _, in := range stageRuns(s) {
			uses := false
			for _, c := range in.Shell.Commands {
				if c.Is("curl") {
					curl, uses = true, true
				}
				if c.Is("wget") {
					wget, uses = true, true
				}
			}
			if uses && curl && wget {
				p.Report(in, "both wget and curl are used in this stage: use one of them")
			}
		}
	}
}
