package audit

import (
	"github.com/sluice-dev/sluice/finding"
)

var aud011 = Rule{
	ID: "AUD011", Version: 2, Severity: finding.SeverityInfo,
	Title: "No HEALTHCHECK",
	Help: "Without a `HEALTHCHECK`, Docker and Compose cannot tell a hung container from a healthy one. Add one " +
		"to the Dockerfile, or rely on the orchestrator's probes (Kubernetes ignores HEALTHCHECK and uses " +
		"liveness/readiness probes instead). An explicit `HEALTHCHECK NONE` is a decision (a CLI image has nothing " +
		"to probe), not an omission, and is not reported, as `sluice lint` (SL1014) treats it.",
	Check: func(img *Image, _ *Options, emit Emit) {
		h := img.Config.Config.Healthcheck
		if h == nil || len(h.Test) == 0 {
			emit("the image defines no HEALTHCHECK", finding.Location{}, configField("Healthcheck"))
		}
	},
}
