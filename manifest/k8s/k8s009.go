package k8s

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var k8s009 = Rule{
	Rule: manifest.Rule{
		ID: "K8S009", Version: 1, Severity: finding.SeverityMedium,
		Title: "Namespace without a default-deny NetworkPolicy",
		Help: "Per namespace, deny by default: without a NetworkPolicy that selects every pod (`podSelector: {}`) and " +
			"allows no ingress, any pod in the cluster can reach these workloads. Add\n\n" +
			"```yaml\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n" +
			"spec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n```\n\nand then allow what each workload needs. " +
			"The check looks at all files of one run together: a namespace is covered when any of them holds such a " +
			"policy for it. Objects without `metadata.namespace` form one group (the namespace chosen at apply time).",
	},
	Check: func(s *Set, _ *Options, emit Emit) {
		covered := map[string]bool{}
		for _, o := range s.Objects {
			if o.Kind == "NetworkPolicy" && o.Group() == "networking.k8s.io" && defaultDeny(o) {
				covered[o.Namespace] = true
			}
		}
		first := map[string]*Workload{}
		names := map[string][]string{}
		var order []string
		for _, w := range s.Workloads {
			if covered[w.Namespace] {
				continue
			}
			if _, ok := first[w.Namespace]; !ok {
				first[w.Namespace] = w
				order = append(order, w.Namespace)
			}
			names[w.Namespace] = append(names[w.Namespace], w.String())
		}
		for _, ns := range order {
			w := first[ns]
			list := names[ns]
			more := ""
			if len(list) > 3 {
				more = fmt.Sprintf(" and %d more", len(list)-3)
				list = list[:3]
			}
			what := fmt.Sprintf("namespace %q", ns)
			path := []any{"metadata", "namespace"}
			if ns == "" {
				what = "the namespace given at apply time (no metadata.namespace)"
				path = []any{"metadata"}
			}
			emit(w.Object, path, fmt.Sprintf("%s runs workloads (%s%s) but no NetworkPolicy given denies ingress by default there",
				what, strings.Join(list, ", "), more))
		}
	},
}

// defaultDeny reports whether a NetworkPolicy selects every pod of its
// namespace and allows no ingress.
func defaultDeny(o *Object) bool {
	sel := o.Lookup("spec", "podSelector")
	if sel == nil {
		return false
	}
	if len(manifest.Pairs(sel)) > 0 {
		for _, kv := range manifest.Pairs(sel) {
			if n := kv[1]; !(n.Kind == 0 || len(n.Content) == 0) {
				return false
			}
		}
	}
	var types []string
	for _, t := range manifest.Items(o.Lookup("spec", "policyTypes")) {
		types = append(types, t.Value)
	}
	ingressRules := manifest.Items(o.Lookup("spec", "ingress"))
	if len(types) == 0 {
		return len(ingressRules) == 0 // Ingress is implied
	}
	return slices.Contains(types, "Ingress") && len(ingressRules) == 0
}
