package k8s

import (
	"fmt"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var k8s007 = Rule{
	Rule: manifest.Rule{
		ID: "K8S007", Version: 1, Severity: finding.SeverityHigh,
		Title: "Secret passed as a literal environment value",
		Help: "A password, token or key written into `env[].value` sits in every copy of the manifest, in git history " +
			"and in the API server's object, readable by anyone who can read the workload. Put it in a Secret and " +
			"use `env[].valueFrom.secretKeyRef` (or a mounted secret volume, or an external secret store). " +
			"The check goes by the variable's name (PASSWORD, SECRET, TOKEN, API_KEY, …) and skips empty values, " +
			"references and paths; the value is never printed.",
	},
	Check: func(s *Set, _ *Options, emit Emit) {
		for _, w := range s.Workloads {
			for _, c := range w.Containers() {
				for i, e := range c.Env {
					if e.ValueFrom == nil && manifest.LiteralSecret(e.Name, e.Value) {
						emit(w.Object, append(c.Path, "env", i, "value"), fmt.Sprintf("%s container %q: environment variable %s holds a literal secret", w, c.Name, e.Name))
					}
				}
			}
		}
	},
}
