package k8s

import (
	"fmt"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var k8s006 = Rule{
	Rule: manifest.Rule{
		ID: "K8S006", Version: 1, Severity: finding.SeverityInfo,
		Title: "Service account token mounted",
		Help: "Unless the pod talks to the Kubernetes API, its service account token is only something to steal. Set " +
			"`automountServiceAccountToken: false` in the pod spec or on its ServiceAccount. A ServiceAccount given in " +
			"the same run with the setting false counts.",
	},
	Check: func(s *Set, _ *Options, emit Emit) {
		noAutomount := map[[2]string]bool{} // namespace, name
		for _, o := range s.Objects {
			if o.Kind == "ServiceAccount" && o.Group() == "" {
				if v, ok := manifest.Bool(o.Lookup("automountServiceAccountToken")); ok && !v {
					noAutomount[[2]string{o.Namespace, o.Name}] = true
				}
			}
		}
		for _, w := range s.Workloads {
			if a := w.Spec.AutomountServiceAccountToken; a != nil {
				if !*a {
					continue
				}
				emit(w.Object, w.Path("automountServiceAccountToken"), fmt.Sprintf("%s mounts its service account token (automountServiceAccountToken: true)", w))
				continue
			}
			sa := w.Spec.ServiceAccountName
			if sa == "" {
				sa = w.Spec.DeprecatedServiceAccount
			}
			if sa == "" {
				sa = "default"
			}
			if noAutomount[[2]string{w.Namespace, sa}] {
				continue
			}
			emit(w.Object, w.SpecPath, fmt.Sprintf("%s does not set automountServiceAccountToken: false (service account %q)", w, sa))
		}
	},
}
