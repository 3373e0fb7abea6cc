package rules

import (
	"regexp"
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3048: A label key does not follow Docker's key format
var dl3048 = dockerfile.Rule{
	ID:       "DL3048",
	Version:  1,
	Title:    "A label key does not follow Docker's key format.",
	Upstream: "style",
	Severity: finding.SeverityInfo,
	Why:      "Label keys should follow Docker's guidelines: lower-case letters, digits, dots and dashes, starting and ending with a letter or digit, no repeated separators, and not in the reserved com.docker.*, io.docker.* or org.dockerproject.* namespaces. Tools that read labels rely on that.",
	Bad: `FROM debian:12
LABEL com.docker.foo=bar`,
	Good: `FROM debian:12
LABEL org.opencontainers.image.title=app`,
	Check: checkDL3048,
}

func checkDL3048(p *dockerfile.Pass) {
	for _, in := range p.File.Instructions {
		if in.Cmd != "label" {
			continue
		}
		for _, pr := range in.Pairs {
			if !validLabelKey(pr.Key) {
				p.Report(in, "invalid label key %q", pr.Key)
			}
		}
	}
}

var labelKeyRe = regexp.MustCompile(`^[a-z]([a-z0-9.-]*[a-z0-9])?$`)

func validLabelKey(k string) bool {
	if strings.Contains(k, "$") {
		return true
	}
	for _, ns := range []string{"com.docker.", "io.docker.", "org.dockerproject."} {
		if strings.HasPrefix(k, ns) {
			return false
		}
	}
	return labelKeyRe.MatchString(k) && !strings.Contains(k, "..") && !strings.Contains(k, "--")
}
