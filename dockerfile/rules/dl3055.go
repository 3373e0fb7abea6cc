package rules

import (
	"regexp"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3055: A hash label of the schema is not a git commit hash
var dl3055 = dockerfile.Rule{
	ID:       "DL3055",
	Version:  1,
	Title:    "A hash label of the schema is not a git commit hash.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "A schema label of type hash (org.opencontainers.image.revision) must be a git commit hash (7 to 40 hex digits, or 64 for SHA-256 repositories) so the image can be traced to its source.",
	Bad: `FROM debian:12
LABEL org.opencontainers.image.revision="main"`,
	Good: `FROM debian:12
LABEL org.opencontainers.image.revision="0433ae4c7f3e2b1a9d8c6b5a4f3e2d1c0b9a8f7e"`,
	Check: checkDL3055,
}

func checkDL3055(p *dockerfile.Pass) {
	checkLabels(p, "hash", func(v string) bool { return validGitHash(v) }, "label %s is not a valid hash: %q")
}

var gitHashRe = regexp.MustCompile(`^([0-9a-fA-F]{7,40}|[0-9a-fA-F]{64})$`)

func validGitHash(v string) bool { return gitHashRe.MatchString(v) }
