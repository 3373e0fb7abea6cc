package compose

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var dc004 = Rule{
	Rule: manifest.Rule{
		ID: "DC004", Version: 1, Severity: finding.SeverityHigh,
		Title: "Host PID namespace",
		Help: "`pid: host` lets the service see, and with enough privilege signal or trace, every process of the host. " +
			"Remove it.",
	},
	Check: func(s *Service, _ *Options, emit Emit) {
		if v, _ := manifest.Scalar(s.Get("pid")); v == "host" {
			emit(s, []any{"pid"}, s.String()+" shares the host's PID namespace")
		}
	},
}
