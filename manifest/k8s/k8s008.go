package k8s

import (
	"fmt"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var k8s008 = Rule{
	Rule: manifest.Rule{
		ID: "K8S008", Version: 1, Severity: finding.SeverityInfo,
		Title: "Service exposed through NodePort or LoadBalancer",
		Help: "A `NodePort` Service opens a port on every node; a `LoadBalancer` Service usually opens one to the " +
			"internet. Make sure that is intended; otherwise use `ClusterIP` behind an Ingress or Gateway that " +
			"terminates TLS and authenticates.",
	},
	Check: func(s *Set, _ *Options, emit Emit) {
		for _, o := range s.Objects {
			if o.Kind != "Service" || o.Group() != "" {
				continue
			}
			t, _ := manifest.Scalar(o.Lookup("spec", "type"))
			if t == "NodePort" || t == "LoadBalancer" {
				emit(o, []any{"spec", "type"}, fmt.Sprintf("%s is of type %s", o, t))
			}
		}
	},
}
