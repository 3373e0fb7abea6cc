package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3045: COPY to a relative destination before any WORKDIR
var dl3045 = dockerfile.Rule{
	ID:       "DL3045",
	Version:  1,
	Title:    "COPY to a relative destination before any WORKDIR.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "A relative COPY destination is resolved against the working directory inherited from the base image, which you do not control. Set WORKDIR first or use an absolute destination.",
	Bad: `FROM node:20
COPY package.json .`,
	Good: `FROM node:20
WORKDIR /app
COPY package.json .`,
	Check: checkDL3045,
}

func checkDL3045(p *dockerfile.Pass) {
	workdir := map[int]bool{}
	for _, s := range p.File.Stages {
		if base := p.File.BaseStage(s); base != nil && workdir[base.Index] {
			workdir[s.Index] = true
		}
		for _, in := range s.Instructions {
			if in.Cmd == "workdir" {
				workdir[s.Index] = true
			}
			if in.Cmd != "copy" || workdir[s.Index] {
				continue
			}
			if _, dest := copySources(in); dest != "" && !isAbs(dest) {
				p.Report(in, "COPY to relative %s without WORKDIR", dest)
			}
		}
	}
}
