package k8s

import (
	"fmt"
	"strings"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var k8s010 = Rule{
	Rule: manifest.Rule{
		ID: "K8S010", Version: 1, Severity: finding.SeverityHigh,
		Title: "RBAC rule with a wildcard",
		Help: "A Role or ClusterRole rule with `*` in `verbs`, `resources` or `apiGroups` grants everything, including " +
			"what later versions and CRDs add (secrets, escalate, impersonate). List the verbs and resources the " +
			"subject needs.",
	},
	Check: func(s *Set, _ *Options, emit Emit) {
		for _, o := range s.Objects {
			if (o.Kind != "Role" && o.Kind != "ClusterRole") || o.Group() != "rbac.authorization.k8s.io" {
				continue
			}
			for i, r := range manifest.Items(o.Lookup("rules")) {
				var wild []string
				var at []any
				for _, f := range []string{"apiGroups", "resources", "verbs", "nonResourceURLs"} {
					for j, it := range manifest.Items(manifest.Lookup(r, f)) {
						if it.Value == "*" {
							wild = append(wild, f)
							if at == nil {
								at = []any{"rules", i, f, j}
							}
							break
						}
					}
				}
				if len(wild) > 0 {
					emit(o, at, fmt.Sprintf("%s rule %d has a wildcard in %s", o, i+1, strings.Join(wild, ", ")))
				}
			}
		}
	},
}
