package rules

import (
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3021: COPY with several sources needs a destination ending in /
var dl3021 = dockerfile.Rule{
	ID:       "DL3021",
	Version:  1,
	Title:    "COPY with several sources needs a destination ending in /.",
	Upstream: "error",
	Severity: finding.SeverityHigh,
	Why:      "With several sources Docker needs the destination to be a directory; without the trailing slash the build fails or the intent is unclear.",
	Bad: `FROM debian:12
COPY a.txt b.txt /srv`,
	Good: `FROM debian:12
COPY a.txt b.txt /srv/`,
	Check: checkDL3021,
}

func checkDL3021(p *dockerfile.Pass) {
	for _, in := range p.File.Instructions {
		if in.Cmd != "copy" || len(in.Heredocs) > 0 {
			continue
		}
		srcs, dest := copySources(in)
		d := unquote(dest)
		if len(srcs) > 1 && !strings.HasSuffix(d, "/") && !strings.HasSuffix(d, `\`) && !strings.HasPrefix(d, "$") {
			p.Report(in, "COPY with several sources needs a destination ending in /")
		}
	}
}
