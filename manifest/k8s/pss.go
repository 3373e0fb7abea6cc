package k8s

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

// pssCheck is one upstream check at the newest policy version.
type pssCheck struct {
	ID    policy.CheckID
	Level api.Level
	Fn    policy.CheckPodFn
}

// PSSChecks returns the upstream checks that make up a level ("baseline" or
// "restricted") at the newest policy version, exactly as the upstream
// evaluator assembles them: a restricted check may override the baseline
// check it tightens. Sorted by ID.
func pssChecks(level api.Level) []pssCheck {
	all := policy.DefaultChecks()
	overridden := map[policy.CheckID]bool{}
	for _, c := range all {
		if c.Level == api.LevelRestricted {
			for _, id := range c.Versions[len(c.Versions)-1].OverrideCheckIDs {
				overridden[id] = true
			}
		}
	}
	var out []pssCheck
	for _, c := range all {
		newest := c.Versions[len(c.Versions)-1]
		switch {
		case c.Level == api.LevelBaseline && level == api.LevelBaseline:
		case c.Level == api.LevelBaseline && level == api.LevelRestricted && !overridden[c.ID]:
		case c.Level == api.LevelRestricted && level == api.LevelRestricted:
		default:
			continue
		}
		out = append(out, pssCheck{ID: c.ID, Level: c.Level, Fn: newest.CheckPod})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// PSSRules returns the rule values of a level's checks, IDs "pss:<check>".
func PSSRules(level string) ([]manifest.Rule, error) {
	lv, err := api.ParseLevel(level)
	if err != nil || lv == api.LevelPrivileged {
		return nil, fmt.Errorf("pod security standard %q: want baseline or restricted", level)
	}
	var out []manifest.Rule
	for _, c := range pssChecks(lv) {
		r, err := pssRule(c)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func pssRule(c pssCheck) (manifest.Rule, error) {
	m, ok := pssMeta[string(c.ID)]
	if !ok {
		return manifest.Rule{}, fmt.Errorf("pod security check %q of the upstream library has no description in sluice: update manifest/k8s/pss_meta.go", c.ID)
	}
	sev := finding.SeverityHigh
	if c.Level == api.LevelRestricted {
		sev = finding.SeverityMedium
	}
	return manifest.Rule{
		ID: "pss:" + string(c.ID), Version: 1, Severity: sev, Title: m.title,
		Help: fmt.Sprintf("Pod Security Standards, %s level, check `%s` (as k8s.io/pod-security-admission evaluates it for the newest policy version).\n\n%s\n\nReference: https://kubernetes.io/docs/concepts/security/pod-security-standards/",
			c.Level, c.ID, m.help),
	}, nil
}

// pssResult is one check's verdict on a pod.
type pssResult struct {
	ID     policy.CheckID
	Result policy.CheckResult
}

// evaluatePSS runs every check of a level on one pod.
func evaluatePSS(checks []pssCheck, meta *metav1.ObjectMeta, spec *corev1.PodSpec) []pssResult {
	out := make([]pssResult, 0, len(checks))
	for _, c := range checks {
		out = append(out, pssResult{ID: c.ID, Result: c.Fn(meta, spec)})
	}
	return out
}

func checkPSS(ctx context.Context, s *Set, level string) ([]finding.Finding, []finding.Rule, error) {
	lv := api.Level(level)
	checks := pssChecks(lv)
	rules := map[policy.CheckID]manifest.Rule{}
	var ran []finding.Rule
	for _, c := range checks {
		r, err := pssRule(c)
		if err != nil {
			return nil, nil, err
		}
		rules[c.ID] = r
		ran = append(ran, r.Meta())
	}
	var out []finding.Finding
	for _, w := range s.Workloads {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		for _, c := range checks {
			res := c.Fn(&w.Meta, &w.Spec)
			if res.Allowed {
				continue
			}
			r := rules[c.ID]
			for _, loc := range locate(w, c, res) {
				f := r.Finding(w.Doc.Path, loc.line, fmt.Sprintf("%s: %s", loc.who, describe(loc.res)))
				f.Evidence = []finding.Evidence{{Name: "pss", Value: level + "@latest"}, {Name: "object", Value: w.String()}}
				out = append(out, f)
			}
		}
	}
	return out, ran, nil
}

func describe(r policy.CheckResult) string {
	if r.ForbiddenDetail == "" {
		return r.ForbiddenReason
	}
	return r.ForbiddenReason + " (" + r.ForbiddenDetail + ")"
}

type location struct {
	who  string
	line int
	res  policy.CheckResult
}

// locate maps a failed check back to what caused it: the pod-level fields
// when the check fails on the pod without its containers, otherwise each
// container that fails on its own; then to the line of the field the check
// reads, found through the check's field hints.
func locate(w *Workload, c pssCheck, full policy.CheckResult) []location {
	hints, first := pssMeta[string(c.ID)].fields, pssFirstInFile[string(c.ID)]
	podOnly := w.Spec
	podOnly.Containers, podOnly.InitContainers, podOnly.EphemeralContainers = nil, nil, nil
	if r := c.Fn(&w.Meta, &podOnly); !r.Allowed {
		line := findField(manifest.Lookup(w.Root, w.SpecPath...), hints, first, true)
		if line == 0 {
			line = w.Line(w.SpecPath...)
		}
		return []location{{who: w.String(), line: line, res: full}}
	}
	var out []location
	for _, ct := range w.Containers() {
		one := podOnly
		switch ct.List {
		case "initContainers":
			one.InitContainers = []corev1.Container{*ct.Container}
		case "containers":
			one.Containers = []corev1.Container{*ct.Container}
		default:
			one.EphemeralContainers = []corev1.EphemeralContainer{w.Spec.EphemeralContainers[ct.Index]}
		}
		r := c.Fn(&w.Meta, &one)
		if r.Allowed {
			continue
		}
		line := findField(manifest.Lookup(w.Root, ct.Path...), hints, first, false)
		if line == 0 {
			line = w.Line(ct.Path...)
		}
		out = append(out, location{who: fmt.Sprintf("%s container %q", w, ct.Name), line: line, res: r})
	}
	if len(out) == 0 {
		out = append(out, location{who: w.String(), line: w.Line(w.SpecPath...), res: full})
	}
	return out
}

// fieldHint names a field a check reads. When Good is set, an occurrence
// with that value is fine and the search goes on; when Bad is set, only an
// occurrence with that value counts.
type fieldHint struct {
	Key, Good, Bad string
}

// findField returns the line of the first field, in hint order (or, with
// firstInFile, the earliest line of any hint), found in the subtree n
// (depth-first, document order). skipContainers leaves the container lists
// out, for pod-level causes.
func findField(n *yaml.Node, hints []fieldHint, firstInFile, skipContainers bool) int {
	best := 0
	for _, h := range hints {
		line := search(n, h, skipContainers, 0)
		if line > 0 && !firstInFile {
			return line
		}
		if line > 0 && (best == 0 || line < best) {
			best = line
		}
	}
	return best
}

func search(n *yaml.Node, h fieldHint, skipContainers bool, depth int) int {
	if n == nil || depth > 32 {
		return 0
	}
	switch n.Kind {
	case yaml.MappingNode:
		for _, kv := range manifest.Pairs(n) {
			k, v := kv[0].Value, kv[1]
			if skipContainers && depth == 0 && (k == "containers" || k == "initContainers" || k == "ephemeralContainers") {
				continue
			}
			if k == h.Key {
				val, _ := manifest.Scalar(v)
				switch {
				case h.Good != "" && strings.EqualFold(val, h.Good):
				case h.Bad != "" && !strings.EqualFold(val, h.Bad):
				default:
					return kv[0].Line
				}
			}
			if line := search(v, h, skipContainers, depth+1); line > 0 {
				return line
			}
		}
	case yaml.SequenceNode:
		for _, c := range manifest.Items(n) {
			if line := search(c, h, skipContainers, depth+1); line > 0 {
				return line
			}
		}
	}
	return 0
}
