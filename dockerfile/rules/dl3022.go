package rules

import (
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3022: COPY --from names no earlier stage
var dl3022 = dockerfile.Rule{
	ID:       "DL3022",
	Version:  1,
	Title:    "COPY --from names no earlier stage.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "`COPY --from=name` with a name no earlier stage has is read as an image reference and pulled from a registry, usually a typo that fails late or copies from the wrong place.",
	Bad: `FROM golang:1.22 AS build
FROM debian:12
COPY --from=biuld /out /app`,
	Good: `FROM golang:1.22 AS build
FROM debian:12
COPY --from=build /out /app`,
	Check: checkDL3022,
}

func checkDL3022(p *dockerfile.Pass) {
	for _, s := range p.File.Stages {
		for _, in := range s.Instructions {
			from, ok := in.Flag("from")
			if in.Cmd != "copy" || !ok || strings.ContainsAny(from, ":/@$") {
				continue
			}
			if n, err := strconv.Atoi(from); err == nil && n >= 0 && n < s.Index {
				continue
			}
			if p.File.StageBefore(from, s.Index) == nil {
				p.Report(in, "COPY --from=%s does not name an earlier stage", from)
			}
		}
	}
}
