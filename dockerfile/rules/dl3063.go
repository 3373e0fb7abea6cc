package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3063: A stage is named with a reserved word (scratch, context)
var dl3063 = dockerfile.Rule{
	ID:       "DL3063",
	Version:  1,
	Title:    "A stage is named with a reserved word (scratch, context).",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "`scratch` and `context` have special meaning in FROM and COPY --from; a stage with that name makes references ambiguous.",
	Bad:      "FROM golang:1.22 AS scratch",
	Good:     "FROM golang:1.22 AS build",
	Check:    checkDL3063,
}

func checkDL3063(p *dockerfile.Pass) {
	for _, s := range p.File.Stages {
		if s.Name == "scratch" || s.Name == "context" {
			p.Report(s.From, "stage name %s is a reserved word", s.Name)
		}
	}
}
