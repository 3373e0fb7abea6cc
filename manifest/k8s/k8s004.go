package k8s

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var k8s004 = Rule{
	Rule: manifest.Rule{
		ID: "K8S004", Version: 1, Severity: finding.SeverityLow,
		Title: "No CPU or memory requests or limits",
		Help: "Without requests the scheduler cannot place the pod sensibly; without a memory limit one container can " +
			"exhaust its node's memory and get its neighbours evicted. Set `resources.requests.cpu`, " +
			"`resources.requests.memory`, `resources.limits.memory` and (where your platform wants it) " +
			"`resources.limits.cpu` on every container.",
	},
	Check: func(s *Set, _ *Options, emit Emit) {
		for _, w := range s.Workloads {
			for _, c := range w.Containers() {
				if c.List == "ephemeralContainers" {
					continue // ephemeral containers cannot set resources
				}
				var missing []string
				for _, m := range []struct {
					list corev1.ResourceList
					name string
					res  corev1.ResourceName
				}{
					{c.Resources.Requests, "requests.cpu", corev1.ResourceCPU},
					{c.Resources.Requests, "requests.memory", corev1.ResourceMemory},
					{c.Resources.Limits, "limits.cpu", corev1.ResourceCPU},
					{c.Resources.Limits, "limits.memory", corev1.ResourceMemory},
				} {
					if _, ok := m.list[m.res]; !ok {
						// A limit alone also sets the request to the same value.
						if strings.HasPrefix(m.name, "requests.") {
							if _, ok := c.Resources.Limits[m.res]; ok {
								continue
							}
						}
						missing = append(missing, m.name)
					}
				}
				if len(missing) > 0 {
					emit(w.Object, append(c.Path, "resources"), fmt.Sprintf("%s container %q sets no %s", w, c.Name, strings.Join(missing, ", ")))
				}
			}
		}
	},
}
