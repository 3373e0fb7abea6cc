package rules

import (
	"slices"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3049: Label `<label>` is missing
var dl3049 = dockerfile.Rule{
	ID:       "DL3049",
	Version:  1,
	Title:    "Label `<label>` is missing.",
	Upstream: "info",
	Severity: finding.SeverityLow,
	Why:      "When a label schema is configured (label-schema in .hadolint.yaml), every label it names must be set on the final image: registries, scanners and people find owners, sources and versions through them.",
	Bad: `# label-schema: {maintainer: text}
FROM debian:12`,
	Good: `FROM debian:12
LABEL maintainer="team@example.com"`,
	Check: checkDL3049,
}

func checkDL3049(p *dockerfile.Pass) {
	if len(p.Opts.LabelSchema) == 0 {
		return
	}
	final := p.File.FinalStage()
	if final == nil {
		return
	}
	have := map[string]bool{}
	for _, s := range finalChain(p.File) {
		for _, in := range s.Instructions {
			if in.Cmd == "label" {
				for _, pr := range in.Pairs {
					have[pr.Key] = true
				}
			}
		}
	}
	keys := make([]string, 0, len(p.Opts.LabelSchema))
	for k := range p.Opts.LabelSchema {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !have[k] {
			p.Report(final.From, "label %s is missing", k)
		}
	}
}
