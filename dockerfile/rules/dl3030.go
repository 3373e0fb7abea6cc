package rules

import (
	"slices"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3030: yum install runs without -y
var dl3030 = dockerfile.Rule{
	ID:       "DL3030",
	Version:  1,
	Title:    "yum install runs without -y.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "yum asks for confirmation without -y; a build has nobody to answer, so the step fails.",
	Bad: `FROM centos:7
RUN yum install httpd-2.4.6`,
	Good: `FROM centos:7
RUN yum install -y httpd-2.4.6 && yum clean all`,
	Check: checkDL3030,
}

func checkDL3030(p *dockerfile.Pass) {
	eachRun(p, func(_ *dockerfile.Instruction, c *dockerfile.Command) bool {
		return c.Is("yum") && slices.Contains([]string{"install", "groupinstall", "localinstall", "reinstall"}, c.Subcommand()) &&
			!c.HasFlag("y", "assumeyes")
	}, "use yum install -y")
}
