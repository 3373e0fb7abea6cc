package rules

import (
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL1001: Inline hadolint ignore pragmas are used
var dl1001 = dockerfile.Rule{
	ID:       "DL1001",
	Version:  1,
	Title:    "Inline hadolint ignore pragmas are used.",
	Upstream: "ignore",
	Off:      true,
	Severity: finding.SeverityInfo,
	Why:      "Inline ignore pragmas hide findings from everyone who reads the report. Teams that want every exception in one reviewed place (a config file with owners and reasons) enable this rule to flag inline pragmas.",
	Bad: `# hadolint ignore=DL3007
FROM debian:latest`,
	Good:  "FROM debian:12",
	Check: checkDL1001,
}

func checkDL1001(p *dockerfile.Pass) {
	for _, pr := range p.File.Pragmas {
		if pr.Kind == dockerfile.PragmaHadolint || pr.Kind == dockerfile.PragmaHadolintGlobal {
			p.ReportAt(pr.Line, "inline ignore pragma for %s", strings.Join(pr.Rules, ","))
		}
	}
}
