package compose

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var dc003 = Rule{
	Rule: manifest.Rule{
		ID: "DC003", Version: 1, Severity: finding.SeverityMedium,
		Title: "Host network mode",
		Help: "`network_mode: host` puts the service in the host's network namespace: it can bind any port and " +
			"reach everything listening on the host's localhost. Use a Compose network and publish ports.",
	},
	Check: func(s *Service, _ *Options, emit Emit) {
		if v, _ := manifest.Scalar(s.Get("network_mode")); v == "host" {
			emit(s, []any{"network_mode"}, s.String()+" uses the host network")
		}
	},
}
