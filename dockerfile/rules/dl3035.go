package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3035: zypper dist-upgrade is used
var dl3035 = dockerfile.Rule{
	ID:       "DL3035",
	Version:  1,
	Title:    "zypper dist-upgrade is used.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "A distribution upgrade inside an image build replaces the base image's release with whatever is newest, producing an image nobody tested. Use a newer base image instead.",
	Bad: `FROM opensuse/leap:15.6
RUN zypper dist-upgrade -y`,
	Good: `FROM opensuse/leap:15.6
RUN zypper patch -y && zypper clean`,
	Check: checkDL3035,
}

func checkDL3035(p *dockerfile.Pass) {
	eachRun(p, func(_ *dockerfile.Instruction, c *dockerfile.Command) bool {
		return c.Is("zypper") && (c.Subcommand() == "dist-upgrade" || c.Subcommand() == "dup")
	}, "do not use zypper dist-upgrade")
}
