package compose

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var dc001 = Rule{
	Rule: manifest.Rule{
		ID: "DC001", Version: 1, Severity: finding.SeverityHigh,
		Title: "Privileged service",
		Help: "`privileged: true` gives the container every capability and device of the host. Remove it and add " +
			"only the capability needed with `cap_add`.",
	},
	Check: func(s *Service, _ *Options, emit Emit) {
		if v, _ := manifest.Bool(s.Get("privileged")); v {
			emit(s, []any{"privileged"}, s.String()+" is privileged")
		}
	},
}
