package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3044: ENV uses a variable defined in the same ENV instruction
var dl3044 = dockerfile.Rule{
	ID:       "DL3044",
	Version:  1,
	Title:    "ENV uses a variable defined in the same ENV instruction.",
	Upstream: "error",
	Severity: finding.SeverityHigh,
	Why:      "In one ENV instruction every value is expanded with the variables as they were before the instruction, so `ENV A=1 B=$A` sets B to the old (usually empty) A. Split it into two ENV instructions.",
	Bad: `FROM debian:12
ENV APP=/srv/app APP_BIN=$APP/bin`,
	Good: `FROM debian:12
ENV APP=/srv/app
ENV APP_BIN=$APP/bin`,
	Check: checkDL3044,
}

func checkDL3044(p *dockerfile.Pass) {
	for _, s := range p.File.Stages {
		defined := map[string]bool{}
		for _, a := range p.File.GlobalArgs {
			for _, pr := range a.Pairs {
				defined[pr.Key] = true
			}
		}
		for _, in := range s.Instructions {
			if in.Cmd == "arg" {
				for _, pr := range in.Pairs {
					defined[pr.Key] = true
				}
				continue
			}
			if in.Cmd != "env" {
				continue
			}
			// As hadolint does: a value referring to a variable that another
			// pair of the same ENV defines, unless it was defined before.
			reported := false
			for i, pr := range in.Pairs {
				for _, r := range refs(pr.Value) {
					if reported || defined[r] {
						continue
					}
					for j, other := range in.Pairs {
						if j != i && other.Key == r {
							p.Report(in, "%s refers to %s, defined in the same ENV", pr.Key, r)
							reported = true
							break
						}
					}
				}
			}
			for _, pr := range in.Pairs {
				defined[pr.Key] = true
			}
		}
	}
}
