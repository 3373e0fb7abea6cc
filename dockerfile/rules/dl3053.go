package rules

import (
	"time"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3053: An rfc3339 label of the schema is not an RFC 3339 time
var dl3053 = dockerfile.Rule{
	ID:       "DL3053",
	Version:  1,
	Title:    "An rfc3339 label of the schema is not an RFC 3339 time.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "A schema label of type rfc3339 (org.opencontainers.image.created) must be an RFC 3339 timestamp so it can be compared and sorted.",
	Bad: `FROM debian:12
LABEL org.opencontainers.image.created="yesterday"`,
	Good: `FROM debian:12
LABEL org.opencontainers.image.created="2024-05-01T10:00:00Z"`,
	Check: checkDL3053,
}

func checkDL3053(p *dockerfile.Pass) {
	checkLabels(p, "rfc3339", func(v string) bool { return validRFC3339(v) }, "label %s is not a valid rfc3339: %q")
}

func validRFC3339(v string) bool {
	_, err := time.Parse(time.RFC3339Nano, v)
	return err == nil
}
