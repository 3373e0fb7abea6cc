package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL4000: MAINTAINER is deprecated
var dl4000 = dockerfile.Rule{
	ID:       "DL4000",
	Version:  1,
	Title:    "MAINTAINER is deprecated.",
	Upstream: "error",
	Severity: finding.SeverityHigh,
	Why:      "MAINTAINER was deprecated in Docker 1.13; the label org.opencontainers.image.authors carries the same information in a form tools read.",
	Bad: `FROM debian:12
MAINTAINER team@example.com`,
	Good: `FROM debian:12
LABEL org.opencontainers.image.authors="team@example.com"`,
	Check: checkDL4000,
}

func checkDL4000(p *dockerfile.Pass) {
	for _, in := range p.File.Instructions {
		if in.Cmd == "maintainer" {
			p.Report(in, "MAINTAINER is deprecated: use LABEL org.opencontainers.image.authors")
		}
	}
}
