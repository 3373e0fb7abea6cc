package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3012: A stage has more than one HEALTHCHECK
var dl3012 = dockerfile.Rule{
	ID:       "DL3012",
	Version:  1,
	Title:    "A stage has more than one HEALTHCHECK.",
	Upstream: "error",
	Severity: finding.SeverityHigh,
	Why:      "Only the last HEALTHCHECK of a stage takes effect; earlier ones are dead code that misleads readers.",
	Bad: `FROM nginx:1.27
HEALTHCHECK CMD curl -f http://localhost/
HEALTHCHECK CMD wget -q -O- http://localhost/`,
	Good: `FROM nginx:1.27
HEALTHCHECK CMD curl -f http://localhost/`,
	Check: checkDL3012,
}

func checkDL3012(p *dockerfile.Pass) {
	for _, s := range p.File.Stages {
		n := 0
		for _, in := range s.Instructions {
			if in.Cmd == "healthcheck" {
				n++
				if n > 1 {
					p.Report(in, "more than one HEALTHCHECK in this stage: only the last takes effect")
				}
			}
		}
	}
}
