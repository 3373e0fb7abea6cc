package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3000: WORKDIR should be an absolute path
var dl3000 = dockerfile.Rule{
	ID:       "DL3000",
	Version:  1,
	Title:    "WORKDIR should be an absolute path.",
	Upstream: "error",
	Severity: finding.SeverityHigh,
	Why:      "A relative WORKDIR is resolved against whatever the previous working directory was, which depends on the base image and earlier instructions. An absolute path says exactly where commands run and files land.",
	Bad: `FROM debian:12
WORKDIR app`,
	Good: `FROM debian:12
WORKDIR /app`,
	Check: checkDL3000,
}

func checkDL3000(p *dockerfile.Pass) {
	for _, in := range p.File.Instructions {
		if in.Cmd == "workdir" && len(in.Args) > 0 && !isAbs(in.Args[0]) {
			p.Report(in, "WORKDIR %s is relative: use an absolute path", in.Args[0])
		}
	}
}
