package k8s

import (
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

// Object is one Kubernetes object of a manifest, with its node tree.
type Object struct {
	Doc        manifest.Document
	Root       *yaml.Node // the object's mapping (a List item's own node)
	APIVersion string
	Kind       string
	Name       string
	Namespace  string // as written; "" means the namespace given at apply time
}

// Group is the API group of the object ("" for the core group).
func (o *Object) Group() string {
	if i := strings.IndexByte(o.APIVersion, '/'); i >= 0 {
		return o.APIVersion[:i]
	}
	return ""
}

// Line returns the line of the field at path in the object (see manifest.Line).
func (o *Object) Line(path ...any) int { return manifest.Line(o.Root, path...) }

// Lookup returns the node at path in the object.
func (o *Object) Lookup(path ...any) *yaml.Node { return manifest.Lookup(o.Root, path...) }

// String names the object as kubectl does: Kind/name.
func (o *Object) String() string {
	if o.Name == "" {
		return o.Kind
	}
	return o.Kind + "/" + o.Name
}

// Workload is an object that carries a pod template, decoded with the
// upstream types so the Pod Security Standards read it exactly as the API
// server would.
type Workload struct {
	*Object
	SpecPath []any // path from Root to the pod spec
	Meta     metav1.ObjectMeta
	Spec     corev1.PodSpec
}

// LongRunning reports whether the workload's pods serve until stopped (and so
// want probes), as opposed to run-to-completion Jobs.
func (w *Workload) LongRunning() bool { return w.Kind != "Job" && w.Kind != "CronJob" }

// Container is one container of a workload and where it sits.
type Container struct {
	*corev1.Container
	List  string // containers, initContainers or ephemeralContainers
	Index int
	Path  []any // from the object root
}

// Containers lists every container: init, regular, then ephemeral.
func (w *Workload) Containers() []Container {
	var out []Container
	add := func(list string, cs []corev1.Container) {
		for i := range cs {
			out = append(out, Container{Container: &cs[i], List: list, Index: i, Path: w.Path(list, i)})
		}
	}
	add("initContainers", w.Spec.InitContainers)
	add("containers", w.Spec.Containers)
	for i := range w.Spec.EphemeralContainers {
		c := (*corev1.Container)(&w.Spec.EphemeralContainers[i].EphemeralContainerCommon)
		out = append(out, Container{Container: c, List: "ephemeralContainers", Index: i, Path: w.Path("ephemeralContainers", i)})
	}
	return out
}

// Path returns SpecPath followed by rest, as a new slice.
func (w *Workload) Path(rest ...any) []any {
	p := make([]any, 0, len(w.SpecPath)+len(rest))
	return append(append(p, w.SpecPath...), rest...)
}

// Set is every Kubernetes object given to one run, across files, so checks
// that span objects (a namespace and its NetworkPolicies) see them all.
type Set struct {
	Objects   []*Object
	Workloads []*Workload
	Notes     []finding.Note
}

// podSpecPaths says where each workload kind keeps its pod spec, for the
// built-in API groups that define it.
var podSpecPaths = map[string]struct {
	groups []string
	path   []any
}{
	"Pod":                   {[]string{""}, []any{"spec"}},
	"PodTemplate":           {[]string{""}, []any{"template", "spec"}},
	"ReplicationController": {[]string{""}, []any{"spec", "template", "spec"}},
	"Deployment":            {[]string{"apps", "extensions"}, []any{"spec", "template", "spec"}},
	"StatefulSet":           {[]string{"apps"}, []any{"spec", "template", "spec"}},
	"DaemonSet":             {[]string{"apps", "extensions"}, []any{"spec", "template", "spec"}},
	"ReplicaSet":            {[]string{"apps", "extensions"}, []any{"spec", "template", "spec"}},
	"Job":                   {[]string{"batch"}, []any{"spec", "template", "spec"}},
	"CronJob":               {[]string{"batch"}, []any{"spec", "jobTemplate", "spec", "template", "spec"}},
}

// builtinGroup reports whether an API group is served by Kubernetes itself
// rather than by a CustomResourceDefinition.
func builtinGroup(g string) bool {
	return g == "" || !strings.Contains(g, ".") || strings.HasSuffix(g, ".k8s.io") && !strings.HasPrefix(g, "gateway.") && !strings.HasSuffix(g, ".x-k8s.io")
}

// NewSet reads the Kubernetes objects of files. Objects it cannot decode and
// custom resources are left out with a note; nothing here fails the run.
func NewSet(files []*manifest.File) *Set {
	s := &Set{}
	skipped := map[string][]string{} // "apiVersion kind" -> files
	for _, f := range files {
		if f.Format != manifest.FormatKubernetes {
			continue
		}
		for _, d := range f.Docs {
			s.addDoc(d, d.Root, 0, skipped)
		}
	}
	keys := make([]string, 0, len(skipped))
	for k := range skipped {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fs := skipped[k]
		s.Notes = append(s.Notes, finding.Note{Level: finding.NoteInfo,
			Message: fmt.Sprintf("skipped %d custom resource(s) %s (first in %s): not a built-in Kubernetes kind", len(fs), k, fs[0])})
	}
	return s
}

func (s *Set) addDoc(d manifest.Document, n *yaml.Node, depth int, skipped map[string][]string) {
	if n == nil || n.Kind != yaml.MappingNode || depth > 2 {
		return
	}
	api, _ := manifest.Scalar(manifest.Lookup(n, "apiVersion"))
	kind, _ := manifest.Scalar(manifest.Lookup(n, "kind"))
	if api == "" || kind == "" {
		return
	}
	if strings.HasSuffix(kind, "List") {
		if items := manifest.Lookup(n, "items"); items != nil {
			for _, it := range manifest.Items(items) {
				s.addDoc(d, it, depth+1, skipped)
			}
			return
		}
	}
	o := &Object{Doc: d, Root: n, APIVersion: api, Kind: kind}
	o.Name, _ = manifest.Scalar(manifest.Lookup(n, "metadata", "name"))
	o.Namespace, _ = manifest.Scalar(manifest.Lookup(n, "metadata", "namespace"))
	if !builtinGroup(o.Group()) {
		k := api + " " + kind
		skipped[k] = append(skipped[k], d.Path)
		return
	}
	s.Objects = append(s.Objects, o)
	ps, ok := podSpecPaths[kind]
	if !ok || !contains(ps.groups, o.Group()) {
		return
	}
	w := &Workload{Object: o, SpecPath: ps.path}
	specNode := manifest.Lookup(n, ps.path...)
	if specNode == nil {
		s.Notes = append(s.Notes, finding.Note{Level: finding.NoteWarning,
			Message: fmt.Sprintf("%s:%d: %s has no pod spec at %s: not checked", d.Path, o.Line(), o, dotted(ps.path))})
		return
	}
	if err := manifest.Decode(specNode, &w.Spec); err != nil {
		s.Notes = append(s.Notes, finding.Note{Level: finding.NoteWarning,
			Message: fmt.Sprintf("%s:%d: %s: pod spec does not decode as Kubernetes would read it: %v: not checked", d.Path, specNode.Line, o, err)})
		return
	}
	metaPath := append(append([]any{}, ps.path[:len(ps.path)-1]...), "metadata")
	if m := manifest.Lookup(n, metaPath...); m != nil {
		// Metadata only feeds annotations to the PSS checks; a malformed one is
		// read as empty rather than dropping the workload.
		_ = manifest.Decode(m, &w.Meta)
	}
	s.Workloads = append(s.Workloads, w)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func dotted(path []any) string {
	var b strings.Builder
	for _, p := range path {
		switch v := p.(type) {
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(v)
		case int:
			fmt.Fprintf(&b, "[%d]", v)
		}
	}
	return b.String()
}
