package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3050: A label is not in the label schema (strict labels)
var dl3050 = dockerfile.Rule{
	ID:       "DL3050",
	Version:  1,
	Title:    "A label is not in the label schema (strict labels).",
	Upstream: "info",
	Severity: finding.SeverityLow,
	Why:      "With strict-labels on, only the labels of the configured schema are allowed, so typos (mantainer) and ad-hoc labels are caught.",
	Bad: `# label-schema: {maintainer: text}, strict-labels: true
FROM debian:12
LABEL mantainer="x"`,
	Good: `FROM debian:12
LABEL maintainer="x"`,
	Check: checkDL3050,
}

func checkDL3050(p *dockerfile.Pass) {
	if !p.Opts.StrictLabels || len(p.Opts.LabelSchema) == 0 {
		return
	}
	for _, in := range p.File.Instructions {
		if in.Cmd != "label" {
			continue
		}
		for _, pr := range in.Pairs {
			if _, ok := p.Opts.LabelSchema[pr.Key]; !ok {
				p.Report(in, "label %s is not in the label schema", pr.Key)
				break
			}
		}
	}
}
