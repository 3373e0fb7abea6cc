package rules

import (
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// SL1013: RUN needs a privileged build entitlement (--security=insecure or --network=host)
var sl1013 = dockerfile.Rule{
	ID:       "SL1013",
	Version:  1,
	Title:    "RUN needs a privileged build entitlement (--security=insecure or --network=host).",
	Severity: finding.SeverityHigh,
	Why:      "`RUN --security=insecure` runs the step as a privileged container (all capabilities, devices, no seccomp/AppArmor) and `RUN --network=host` shares the build host's network namespace. Both need the builder started with --allow-insecure-entitlement; once allowed, any Dockerfile built there can escape to or reach into the build host. Rework the step so it needs neither.",
	Bad: `# syntax=docker/dockerfile:1-labs
FROM debian:12
RUN --security=insecure mount -t tmpfs none /mnt`,
	Good: `FROM debian:12
RUN --mount=type=tmpfs,target=/mnt ./build.sh`,
	Check: checkSL1013,
}

func checkSL1013(p *dockerfile.Pass) {
	for _, in := range p.File.Instructions {
		if in.Cmd != "run" {
			continue
		}
		if v, ok := in.Flag("security"); ok && strings.EqualFold(v, "insecure") {
			p.Report(in, "RUN --security=insecure runs the step privileged (needs the security.insecure entitlement)")
		}
		if v, ok := in.Flag("network"); ok && strings.EqualFold(v, "host") {
			p.Report(in, "RUN --network=host shares the build host's network (needs the network.host entitlement)")
		}
	}
}
