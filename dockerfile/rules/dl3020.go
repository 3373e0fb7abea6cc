package rules

import (
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3020: ADD is used for local files or directories where COPY would do
var dl3020 = dockerfile.Rule{
	ID:       "DL3020",
	Version:  1,
	Title:    "ADD is used for local files or directories where COPY would do.",
	Upstream: "error",
	Severity: finding.SeverityHigh,
	Why:      "ADD also fetches URLs and unpacks archives, so using it for plain files hides intent and can surprise (a .tar.gz gets extracted). COPY does only what it says.",
	Bad: `FROM debian:12
ADD app.py /srv/`,
	Good: `FROM debian:12
COPY app.py /srv/`,
	Check: checkDL3020,
}

func checkDL3020(p *dockerfile.Pass) {
	for _, in := range p.File.Instructions {
		if in.Cmd != "add" || len(in.Heredocs) > 0 {
			continue
		}
		srcs, _ := copySources(in)
		for _, s := range srcs {
			if !isURL(s) && !isArchive(s) && !strings.Contains(s, "$") {
				p.Report(in, "use COPY instead of ADD for %s", s)
				break
			}
		}
	}
}
