package rules

import (
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3043: ONBUILD triggers ONBUILD, FROM or MAINTAINER
var dl3043 = dockerfile.Rule{
	ID:       "DL3043",
	Version:  1,
	Title:    "ONBUILD triggers ONBUILD, FROM or MAINTAINER.",
	Upstream: "error",
	Severity: finding.SeverityHigh,
	Why:      "Docker does not allow ONBUILD to trigger ONBUILD, FROM or MAINTAINER; such a trigger breaks every downstream build.",
	Bad: `FROM debian:12
ONBUILD MAINTAINER someone`,
	Good: `FROM debian:12
ONBUILD COPY . /app`,
	Check: checkDL3043,
}

func checkDL3043(p *dockerfile.Pass) {
	for _, in := range p.File.Instructions {
		if in.Trigger != nil && in.Trigger.Is("onbuild", "from", "maintainer") {
			p.Report(in, "ONBUILD cannot trigger %s", strings.ToUpper(in.Trigger.Cmd))
		}
	}
}
