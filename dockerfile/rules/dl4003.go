package rules

import (
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL4003: A stage has more than one CMD
var dl4003 = dockerfile.Rule{
	ID:       "DL4003",
	Version:  1,
	Title:    "A stage has more than one CMD.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "Only the last CMD of a stage takes effect; earlier ones are dead code that misleads readers.",
	Bad: `FROM node:20
CMD ["node", "a.js"]
CMD ["node", "b.js"]`,
	Good: `FROM node:20
CMD ["node", "b.js"]`,
	Check: checkDL4003,
}

func checkDL4003(p *dockerfile.Pass) {
	multiple(p, "cmd")
}

// multiple reports every instruction cmd after the first in each stage.
func multiple(p *dockerfile.Pass, cmd string) {
	for _, s := range p.File.Stages {
		n := 0
		for _, in := range s.Instructions {
			if in.Cmd == cmd {
				n++
				if n > 1 {
					p.Report(in, "more than one %s in this stage: only the last takes effect", strings.ToUpper(cmd))
				}
			}
		}
	}
}
