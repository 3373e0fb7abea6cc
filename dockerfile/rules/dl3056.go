package rules

import (
	"regexp"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3056: A semver label of the schema is not a semantic version
var dl3056 = dockerfile.Rule{
	ID:       "DL3056",
	Version:  1,
	Title:    "A semver label of the schema is not a semantic version.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "A schema label of type semver (org.opencontainers.image.version) must be a semantic version (https://semver.org) so versions can be ordered.",
	Bad: `FROM debian:12
LABEL org.opencontainers.image.version="v1"`,
	Good: `FROM debian:12
LABEL org.opencontainers.image.version="1.4.2"`,
	Check: checkDL3056,
}

func checkDL3056(p *dockerfile.Pass) {
	checkLabels(p, "semver", func(v string) bool { return validSemver(v) }, "label %s is not a valid semver: %q")
}

var semverRe = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)

func validSemver(v string) bool { return semverRe.MatchString(v) }
