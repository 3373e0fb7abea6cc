package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3057: The image has no HEALTHCHECK
var dl3057 = dockerfile.Rule{
	ID:       "DL3057",
	Version:  1,
	Title:    "The image has no HEALTHCHECK.",
	Upstream: "ignore",
	Off:      true,
	Severity: finding.SeverityLow,
	Why:      "Without a HEALTHCHECK the runtime only knows whether the process exists, not whether it serves. Off by default, as in hadolint: many images are run by orchestrators that define their own probes.",
	Bad:      "FROM nginx:1.27",
	Good: `FROM nginx:1.27
HEALTHCHECK CMD curl -fsS http://localhost/ || exit 1`,
	Check: checkDL3057,
}

func checkDL3057(p *dockerfile.Pass) {
	for _, s := range finalChain(p.File) {
		for _, in := range s.Instructions {
			if in.Cmd == "healthcheck" {
				return
			}
		}
	}
	if s := p.File.FinalStage(); s != nil {
		p.Report(s.From, "no HEALTHCHECK in the final stage")
	}
}
