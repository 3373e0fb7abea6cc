package rules

import (
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3061: An instruction other than ARG comes before the first FROM
var dl3061 = dockerfile.Rule{
	ID:       "DL3061",
	Version:  1,
	Title:    "An instruction other than ARG comes before the first FROM.",
	Upstream: "error",
	Severity: finding.SeverityHigh,
	Why:      "Only ARG may come before the first FROM; anything else there is an error for BuildKit or is silently ignored.",
	Bad: `LABEL maintainer="x"
FROM debian:12`,
	Good: `ARG VERSION=12
FROM debian:${VERSION}`,
	Check: checkDL3061,
}

func checkDL3061(p *dockerfile.Pass) {
	for _, in := range p.File.Instructions {
		if in.Cmd == "from" {
			return
		}
		if in.Cmd != "arg" {
			p.Report(in, "%s before the first FROM", strings.ToUpper(in.Cmd))
			return
		}
	}
}
