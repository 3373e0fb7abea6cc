package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3067: COPY --from copies another stage's whole filesystem
var dl3067 = dockerfile.Rule{
	ID:       "DL3067",
	Version:  1,
	Title:    "COPY --from copies another stage's whole filesystem.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "`COPY --from=stage / /` copies every file of the other stage, including package databases, caches and secrets the builder saw, defeating the point of a multi-stage build. Copy only the artefacts you need.",
	Bad: `FROM golang:1.22 AS build
FROM scratch
COPY --from=build / /`,
	Good: `FROM golang:1.22 AS build
FROM scratch
COPY --from=build /out/app /app`,
	Check: checkDL3067,
}

func checkDL3067(p *dockerfile.Pass) {
	for _, in := range p.File.Instructions {
		if _, ok := in.Flag("from"); in.Cmd != "copy" || !ok {
			continue
		}
		srcs, dest := copySources(in)
		if unquote(dest) != "/" {
			continue
		}
		for _, s := range srcs {
			if unquote(s) == "/" {
				p.Report(in, "COPY --from copies the whole filesystem")
				break
			}
		}
	}
}
