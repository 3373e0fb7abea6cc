package rules

import (
	"slices"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3049: A label required by the label schema is missing
var dl3049 = dockerfile.Rule{
	ID:       "DL3049",
	Version:  1,
	Title:    "A label required by the label schema is missing.",
	Upstream: "info",
	Severity: finding.SeverityLow,
	Why:      "When a label schema is configured (label-schema in .hadolint.yaml), every label it names must be set in every stage (directly or through the stage it is built FROM), as hadolint checks: registries, scanners and people find owners, sources and versions through them.",
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
	keys := make([]string, 0, len(p.Opts.LabelSchema))
	for k := range p.Opts.LabelSchema {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	// As hadolint does, every stage is checked; a stage inherits the
	// labels of the stage it is built FROM.
	have := make([]map[string]bool, len(p.File.Stages))
	for _, s := range p.File.Stages {
		have[s.Index] = map[string]bool{}
		if base := p.File.BaseStage(s); base != nil {
			for k := range have[base.Index] {
				have[s.Index][k] = true
			}
		}
		for _, in := range s.Instructions {
			if in.Cmd == "label" {
				for _, pr := range in.Pairs {
					have[s.Index][pr.Key] = true
				}
			}
		}
		for _, k := range keys {
			if !have[s.Index][k] {
				p.Report(s.From, "label %s is missing", k)
			}
		}
	}
}
