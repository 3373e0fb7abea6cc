package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL4004: A stage has more than one ENTRYPOINT
var dl4004 = dockerfile.Rule{
	ID:       "DL4004",
	Version:  1,
	Title:    "A stage has more than one ENTRYPOINT.",
	Upstream: "error",
	Severity: finding.SeverityHigh,
	Why:      "Only the last ENTRYPOINT of a stage takes effect; earlier ones are dead code that misleads readers.",
	Bad: `FROM node:20
ENTRYPOINT ["a"]
ENTRYPOINT ["b"]`,
	Good: `FROM node:20
ENTRYPOINT ["b"]`,
	Check: checkDL4004,
}

func checkDL4004(p *dockerfile.Pass) {
	multiple(p, "entrypoint")
}
