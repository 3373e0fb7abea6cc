package rules

import (
	"net/mail"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3058: An email label of the schema is not an email address
var dl3058 = dockerfile.Rule{
	ID:       "DL3058",
	Version:  1,
	Title:    "An email label of the schema is not an email address.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "A schema label of type email (maintainer) must be an RFC 5322 address so the owner can be reached.",
	Bad: `FROM debian:12
LABEL maintainer="team at example"`,
	Good: `FROM debian:12
LABEL maintainer="team@example.com"`,
	Check: checkDL3058,
}

func checkDL3058(p *dockerfile.Pass) {
	checkLabels(p, "email", func(v string) bool { return validEmail(v) }, "label %s is not a valid email: %q")
}

func validEmail(v string) bool {
	_, err := mail.ParseAddress(v)
	return err == nil
}
