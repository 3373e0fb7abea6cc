package k8s

import (
	"fmt"
	"strings"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var k8s005 = Rule{
	Rule: manifest.Rule{
		ID: "K8S005", Version: 1, Severity: finding.SeverityInfo,
		Title: "Liveness or readiness probe absent",
		Help: "Without a readiness probe a Service sends traffic to pods that are not ready; without a liveness probe a " +
			"hung process is never restarted. Add `readinessProbe` and `livenessProbe` to the containers of long-running " +
			"workloads (Jobs and init containers are not checked).",
	},
	Check: func(s *Set, _ *Options, emit Emit) {
		for _, w := range s.Workloads {
			if !w.LongRunning() {
				continue
			}
			for _, c := range w.Containers() {
				if c.List != "containers" {
					continue
				}
				var missing []string
				if c.ReadinessProbe == nil {
					missing = append(missing, "readinessProbe")
				}
				if c.LivenessProbe == nil {
					missing = append(missing, "livenessProbe")
				}
				if len(missing) > 0 {
					emit(w.Object, c.Path, fmt.Sprintf("%s container %q has no %s", w, c.Name, strings.Join(missing, " and ")))
				}
			}
		}
	},
}
