package manifest

import (
	"context"

	"github.com/sluice-dev/sluice/finding"
)

// Unit is what a per-unit check runs on: a Compose service, an ECS task
// definition. Location says where the field at path below it is written.
type Unit interface {
	Location(path ...any) finding.Location
}

// Emit reports one finding of the running rule about u, at the field at
// path below it.
type Emit[U Unit] func(u U, path []any, message string)

// EachRule is a check that runs on one unit at a time: its data and the
// function that runs it, given the platform's options O.
type EachRule[U Unit, O any] struct {
	Rule
	Check func(u U, opts *O, emit Emit[U])
}

// CheckEach runs every enabled rule over every unit, in rule order, and
// returns the findings and the rules that ran. strict and registries are the
// platform options' strict switch and number of allowed registries, which
// say which rules are enabled; opts is passed to every check.
func CheckEach[U Unit, O any](ctx context.Context, units []U, rules []EachRule[U, O], opts *O, strict bool, registries int) (finding.Result, error) {
	var res finding.Result
	for i := range rules {
		r := &rules[i]
		if !r.Enabled(strict, registries) {
			continue
		}
		res.Rules = append(res.Rules, r.Meta())
		for _, u := range units {
			if err := ctx.Err(); err != nil {
				return res, err
			}
			r.Check(u, opts, func(u U, path []any, msg string) {
				loc := u.Location(path...)
				res.Findings = append(res.Findings, r.Finding(loc.Path, loc.Line, msg))
			})
		}
	}
	return res, nil
}
