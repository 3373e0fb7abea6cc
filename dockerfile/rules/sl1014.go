package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// SL1014: The final image has no HEALTHCHECK
var sl1014 = dockerfile.Rule{
	ID:       "SL1014",
	Version:  1,
	Title:    "The final image has no HEALTHCHECK.",
	Severity: finding.SeverityInfo,
	Why:      "Without a HEALTHCHECK, plain Docker and Compose only know whether the process exists, not whether it serves; a hung application is reported healthy and never restarted. Orchestrators with their own probes (Kubernetes) ignore HEALTHCHECK, so this is informational. hadolint has the same check (DL3057) but turns it off by default.",
	Bad:      "FROM nginx:1.27",
	Good: `FROM nginx:1.27
HEALTHCHECK --interval=30s CMD curl -fsS http://localhost/ || exit 1`,
	Check: checkSL1014,
}

func checkSL1014(p *dockerfile.Pass) {
	for _, s := range finalChain(p.File) {
		for _, in := range s.Instructions {
			if in.Cmd == "healthcheck" {
				return
			}
		}
	}
	if s := p.File.FinalStage(); s != nil {
		p.Report(s.From, "no HEALTHCHECK in the final image")
	}
}
