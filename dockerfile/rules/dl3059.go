package rules

import (
	"slices"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3059: Consecutive RUN instructions could be one
var dl3059 = dockerfile.Rule{
	ID:       "DL3059",
	Version:  1,
	Title:    "Consecutive RUN instructions could be one.",
	Upstream: "info",
	Severity: finding.SeverityLow,
	Why:      "Each RUN makes a layer; consecutive RUNs that could be one make the image larger (files deleted later still ship in earlier layers) and the build slower. As in hadolint, RUNs with different flags (mounts, network) and RUNs of more than two commands (split on purpose) are not reported.",
	Bad: `FROM debian:12
RUN mkdir /srv
RUN chown nobody /srv`,
	Good: `FROM debian:12
RUN mkdir /srv && chown nobody /srv`,
	Check: checkDL3059,
}

func checkDL3059(p *dockerfile.Pass) {
	for _, s := range p.File.Stages {
		var prev *dockerfile.Instruction
		for _, in := range s.Instructions {
			if in.Cmd == "run" && prev != nil && prev.Cmd == "run" && sameFlags(prev, in) && len(in.Heredocs) == 0 && len(prev.Heredocs) == 0 &&
				commandCount(in) <= 2 && commandCount(prev) <= 2 {
				p.Report(in, "consecutive RUN instructions: consider consolidation")
			}
			prev = in
		}
	}
}

func sameFlags(a, b *dockerfile.Instruction) bool {
	return slices.Equal(a.Flags, b.Flags)
}

// commandCount is the number of commands a RUN runs; as in hadolint, RUNs of
// more than two commands were split on purpose and are not reported.
func commandCount(in *dockerfile.Instruction) int {
	if in.Shell == nil {
		return 0
	}
	n := 0
	for _, c := range in.Shell.Commands {
		if !c.Nested && !c.Subst {
			n++
		}
	}
	return n
}
