package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL1000: The Dockerfile cannot be parsed
var dl1000 = dockerfile.Rule{
	ID:       "DL1000",
	Version:  1,
	Title:    "The Dockerfile cannot be parsed.",
	Upstream: "error",
	Severity: finding.SeverityHigh,
	Why:      "A Dockerfile that BuildKit cannot parse cannot be built, and no other rule can check it. The finding names the line where parsing stopped.",
	Bad: `FROM debian:12
RUN <<EOF
echo unterminated heredoc`,
	Good: `FROM debian:12
RUN <<EOF
echo done
EOF`,
	Check: checkDL1000,
}

func checkDL1000(p *dockerfile.Pass) {
	// Parse errors are reported by the runner (dockerfile.LintReader); the
	// rule is listed so reports describe it.
	_ = p
}
