package rules

import (
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3051: A label required by the label schema is empty
var dl3051 = dockerfile.Rule{
	ID:       "DL3051",
	Version:  1,
	Title:    "A label required by the label schema is empty.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      `A label in the schema that is set to an empty value satisfies "present" while carrying no information.`,
	Bad: `FROM debian:12
LABEL maintainer=""`,
	Good: `FROM debian:12
LABEL maintainer="team@example.com"`,
	Check: checkDL3051,
}

func checkDL3051(p *dockerfile.Pass) {
	for _, in := range p.File.Instructions {
		if in.Cmd != "label" {
			continue
		}
		for _, pr := range in.Pairs {
			if _, ok := p.Opts.LabelSchema[pr.Key]; ok && strings.TrimSpace(pr.Value) == "" {
				p.Report(in, "label %s is empty", pr.Key)
			}
		}
	}
}

// checkLabels reports schema labels of type typ whose value is not valid.
func checkLabels(p *dockerfile.Pass, typ string, valid func(string) bool, format string) {
	for _, in := range p.File.Instructions {
		if in.Cmd != "label" {
			continue
		}
		for _, pr := range in.Pairs {
			if p.Opts.LabelSchema[pr.Key] != typ || pr.Value == "" || strings.Contains(pr.Value, "$") {
				continue
			}
			if !valid(pr.Value) {
				p.Report(in, format, pr.Key, pr.Value)
			}
		}
	}
}
