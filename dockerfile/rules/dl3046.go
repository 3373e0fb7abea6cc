package rules

import (
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3046: useradd with a high UID runs without -l
var dl3046 = dockerfile.Rule{
	ID:       "DL3046",
	Version:  1,
	Title:    "useradd with a high UID runs without -l.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "useradd records every user in /var/log/lastlog and faillog as sparse files sized by the UID; layer tarballs are not sparse, so a high UID creates a multi-gigabyte layer. Pass -l (--no-log-init).",
	Bad: `FROM debian:12
RUN useradd -u 123456 app`,
	Good: `FROM debian:12
RUN useradd -l -u 123456 app`,
	Check: checkDL3046,
}

func checkDL3046(p *dockerfile.Pass) {
	eachRun(p, func(_ *dockerfile.Instruction, c *dockerfile.Command) bool {
		if !c.Is("useradd") || c.HasFlag("l", "no-log-init") {
			return false
		}
		uid, ok := c.FlagValue("u", "uid")
		return ok && len(uid) > 5 && !strings.Contains(uid, "$")
	}, "useradd with a high UID needs -l (--no-log-init)")
}
