package rules

import (
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3023: COPY --from names the stage it is in
var dl3023 = dockerfile.Rule{
	ID:       "DL3023",
	Version:  1,
	Title:    "COPY --from names the stage it is in.",
	Upstream: "error",
	Severity: finding.SeverityHigh,
	Why:      "A stage cannot copy from itself; BuildKit rejects it, or it silently pulls an image of the same name.",
	Bad: `FROM debian:12 AS app
COPY --from=app /a /b`,
	Good: `FROM debian:12 AS build
FROM debian:12 AS app
COPY --from=build /a /b`,
	Check: checkDL3023,
}

func checkDL3023(p *dockerfile.Pass) {
	for _, s := range p.File.Stages {
		for _, in := range s.Instructions {
			if from, ok := in.Flag("from"); in.Cmd == "copy" && ok && s.Name != "" && strings.ToLower(from) == s.Name {
				p.Report(in, "COPY --from=%s references its own stage", from)
			}
		}
	}
}
