package rules

import (
	"slices"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3034: zypper runs without a non-interactive switch
var dl3034 = dockerfile.Rule{
	ID:       "DL3034",
	Version:  1,
	Title:    "zypper runs without a non-interactive switch.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "zypper prompts for confirmation unless told not to (-n/--non-interactive globally, or -y/--no-confirm); a build cannot answer.",
	Bad: `FROM opensuse/leap:15.6
RUN zypper install curl=8.0`,
	Good: `FROM opensuse/leap:15.6
RUN zypper install -y curl=8.0 && zypper clean`,
	Check: checkDL3034,
}

func checkDL3034(p *dockerfile.Pass) {
	eachRun(p, func(_ *dockerfile.Instruction, c *dockerfile.Command) bool {
		return c.Is("zypper") && slices.Contains([]string{"install", "in", "remove", "rm", "source-install", "si", "patch", "update", "up", "dist-upgrade", "dup"}, c.Subcommand()) &&
			!c.HasFlag("n", "non-interactive", "y", "no-confirm")
	}, "use zypper -n or install -y")
}
