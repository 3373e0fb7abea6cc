package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3019: apk add runs without --no-cache
var dl3019 = dockerfile.Rule{
	ID:       "DL3019",
	Version:  1,
	Title:    "apk add runs without --no-cache.",
	Upstream: "info",
	Severity: finding.SeverityLow,
	Why:      "`apk add` without `--no-cache` stores the package index in /var/cache/apk, which stays in the layer unless removed in the same RUN.",
	Bad: `FROM alpine:3.20
RUN apk update && apk add curl=8.9.1-r1`,
	Good: `FROM alpine:3.20
RUN apk add --no-cache curl=8.9.1-r1`,
	Check: checkDL3019,
}

func checkDL3019(p *dockerfile.Pass) {
	for _, in := range runs(p.File) {
		if hasCacheMount(in, "/var/cache/apk", "/etc/apk/cache") {
			continue
		}
		for _, c := range in.Shell.Commands {
			if _, ok := apkAdd(c); ok && !c.HasFlag("no-cache", "no-network") {
				p.Report(in, "use apk add --no-cache")
				break
			}
		}
	}
}
