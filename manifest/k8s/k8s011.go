package k8s

import (
	"fmt"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var k8s011 = Rule{
	Rule: manifest.Rule{
		ID: "K8S011", Version: 1, Severity: finding.SeverityHigh,
		Title: "Binding to cluster-admin",
		Help: "A RoleBinding or ClusterRoleBinding to the `cluster-admin` ClusterRole gives its subjects full control " +
			"(of the namespace for a RoleBinding, of the cluster for a ClusterRoleBinding). Bind a role that lists what " +
			"the subject needs.",
	},
	Check: func(s *Set, _ *Options, emit Emit) {
		for _, o := range s.Objects {
			if (o.Kind != "RoleBinding" && o.Kind != "ClusterRoleBinding") || o.Group() != "rbac.authorization.k8s.io" {
				continue
			}
			kind, _ := manifest.Scalar(o.Lookup("roleRef", "kind"))
			name, _ := manifest.Scalar(o.Lookup("roleRef", "name"))
			if kind == "ClusterRole" && name == "cluster-admin" {
				emit(o, []any{"roleRef", "name"}, fmt.Sprintf("%s binds the cluster-admin ClusterRole", o))
			}
		}
	},
}
