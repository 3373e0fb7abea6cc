package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3024: Two stages have the same name
var dl3024 = dockerfile.Rule{
	ID:       "DL3024",
	Version:  1,
	Title:    "Two stages have the same name.",
	Upstream: "error",
	Severity: finding.SeverityHigh,
	Why:      "Two stages with the same name make `COPY --from` and `--target` ambiguous; BuildKit rejects it.",
	Bad: `FROM debian:12 AS build
FROM alpine:3.20 AS build`,
	Good: `FROM debian:12 AS build
FROM alpine:3.20 AS runtime`,
	Check: checkDL3024,
}

func checkDL3024(p *dockerfile.Pass) {
	seen := map[string]bool{}
	for _, s := range p.File.Stages {
		if s.Name == "" {
			continue
		}
		if seen[s.Name] {
			p.Report(s.From, "stage name %s is used twice", s.Name)
		}
		seen[s.Name] = true
	}
}
