package rules

import (
	"net/url"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3052: A url label of the schema is not a URL
var dl3052 = dockerfile.Rule{
	ID:       "DL3052",
	Version:  1,
	Title:    "A url label of the schema is not a URL.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "A schema label of type url must hold an absolute URL, so tools can follow it.",
	Bad: `FROM debian:12
LABEL org.opencontainers.image.source="github.com/x"`,
	Good: `FROM debian:12
LABEL org.opencontainers.image.source="https://github.com/x/y"`,
	Check: checkDL3052,
}

func checkDL3052(p *dockerfile.Pass) {
	checkLabels(p, "url", func(v string) bool { return validURL(v) }, "label %s is not a valid url: %q")
}

func validURL(v string) bool {
	u, err := url.Parse(v)
	return err == nil && u.Scheme != "" && (u.Host != "" || u.Opaque != "")
}
