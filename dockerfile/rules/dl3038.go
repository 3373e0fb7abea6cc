package rules

import (
	"slices"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3038: dnf install runs without -y
var dl3038 = dockerfile.Rule{
	ID:       "DL3038",
	Version:  1,
	Title:    "dnf install runs without -y.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "dnf asks for confirmation without -y; a build has nobody to answer, so the step fails.",
	Bad: `FROM fedora:40
RUN dnf install httpd-2.4.59 && dnf clean all`,
	Good: `FROM fedora:40
RUN dnf install -y httpd-2.4.59 && dnf clean all`,
	Check: checkDL3038,
}

func checkDL3038(p *dockerfile.Pass) {
	eachRun(p, func(_ *dockerfile.Instruction, c *dockerfile.Command) bool {
		return c.Is("dnf", "microdnf") && slices.Contains([]string{"install", "groupinstall", "localinstall", "reinstall"}, c.Subcommand()) &&
			!c.HasFlag("y", "assumeyes")
	}, "use dnf install -y")
}
