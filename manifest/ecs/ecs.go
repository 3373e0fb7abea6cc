package ecs

import (
	"context"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

// Options tune a run. The zero value runs every non-strict check with no
// registry restriction.
type Options struct {
	Strict            bool
	AllowedRegistries []string
}

// TaskDefinition is one task definition found in a document. Keys are
// matched case-insensitively, so API (camelCase) and CloudFormation
// (PascalCase) spellings read the same.
type TaskDefinition struct {
	Doc  manifest.Document
	Path []any // from the document root to the task definition's mapping
	Node *yaml.Node
	Name string // family, or the CloudFormation logical ID
}

// Line returns the line of the field at rest below the task definition.
func (t *TaskDefinition) Line(rest ...any) int {
	return manifest.LineFold(t.Doc.Root, append(append([]any{}, t.Path...), rest...)...)
}

// Location says where the field at rest below the task definition is
// written.
func (t *TaskDefinition) Location(rest ...any) finding.Location {
	return finding.Location{Path: t.Doc.Path, Line: t.Line(rest...)}
}

// Container is one container definition.
type Container struct {
	Index int
	Node  *yaml.Node
	Name  string
}

// Get returns the node at path below the container definition.
func (c *Container) Get(path ...any) *yaml.Node { return manifest.LookupFold(c.Node, path...) }

// Containers lists the task's container definitions.
func (t *TaskDefinition) Containers() []Container {
	var out []Container
	for i, n := range manifest.Items(manifest.LookupFold(t.Node, "containerDefinitions")) {
		name, _ := manifest.Scalar(manifest.LookupFold(n, "name"))
		out = append(out, Container{Index: i, Node: n, Name: name})
	}
	return out
}

// String names the task definition in messages.
func (t *TaskDefinition) String() string {
	if t.Name == "" {
		return "task definition"
	}
	return fmt.Sprintf("task definition %q", t.Name)
}

// Find returns the task definitions of the ECS files among files.
func Find(files []*manifest.File) []*TaskDefinition {
	var out []*TaskDefinition
	for _, f := range files {
		if f.Format != manifest.FormatECS {
			continue
		}
		for _, d := range f.Docs {
			out = append(out, inDocument(d)...)
		}
	}
	return out
}

func inDocument(d manifest.Document) []*TaskDefinition {
	root := d.Root
	family := func(n *yaml.Node) string {
		s, _ := manifest.Scalar(manifest.LookupFold(n, "family"))
		return s
	}
	switch {
	case manifest.LookupFold(root, "containerDefinitions") != nil:
		return []*TaskDefinition{{Doc: d, Node: root, Name: family(root)}}
	case manifest.LookupFold(root, "taskDefinition", "containerDefinitions") != nil:
		n := manifest.LookupFold(root, "taskDefinition")
		return []*TaskDefinition{{Doc: d, Path: []any{"taskDefinition"}, Node: n, Name: family(n)}}
	}
	var out []*TaskDefinition
	for _, kv := range manifest.Pairs(manifest.Lookup(root, "Resources")) {
		if t, _ := manifest.Scalar(manifest.Lookup(kv[1], "Type")); t != "AWS::ECS::TaskDefinition" {
			continue
		}
		props := manifest.Lookup(kv[1], "Properties")
		if props == nil {
			continue
		}
		name := family(props)
		if name == "" || isIntrinsic(manifest.LookupFold(props, "family")) {
			name = kv[0].Value
		}
		out = append(out, &TaskDefinition{Doc: d, Path: []any{"Resources", kv[0].Value, "Properties"}, Node: props, Name: name})
	}
	return out
}

// isIntrinsic reports whether n is a CloudFormation intrinsic function
// (short form "!Ref X" or long form {"Fn::Sub": …}/{"Ref": …}): its value is
// known only at deploy time.
func isIntrinsic(n *yaml.Node) bool {
	if n == nil {
		return false
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return true
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 {
		k := n.Content[0].Value
		return k == "Ref" || strings.HasPrefix(k, "Fn::")
	}
	return false
}

// imageRef returns a container's image when it is a literal reference that
// a tag policy can judge: not an intrinsic, not a CodeDeploy placeholder
// such as <IMAGE1_NAME>.
func imageRef(c *Container) (string, bool) {
	n := c.Get("image")
	if n == nil || isIntrinsic(n) {
		return "", false
	}
	s, ok := manifest.Scalar(n)
	if !ok || s == "" || strings.HasPrefix(s, "<") || manifest.Dynamic(s) {
		return "", false
	}
	return s, true
}

// Emit reports one finding of the running rule at the field at rest (below
// the task definition).
type Emit = manifest.Emit[*TaskDefinition]

// Rule is an ECSxxx check: its data and the function that runs it on one
// task definition.
type Rule = manifest.EachRule[*TaskDefinition, Options]

// Check runs rules over every task definition.
func Check(ctx context.Context, tds []*TaskDefinition, rules []Rule, opts Options) (finding.Result, error) {
	return manifest.CheckEach(ctx, tds, rules, &opts, opts.Strict, len(opts.AllowedRegistries))
}

// checkImages is the Check of the image rules: judge says what is wrong
// with a container's image, "" when nothing is.
func checkImages(judge func(ref string, opts *Options) string) func(*TaskDefinition, *Options, Emit) {
	return func(t *TaskDefinition, opts *Options, emit Emit) {
		for _, c := range t.Containers() {
			if ref, ok := imageRef(&c); ok {
				if p := judge(ref, opts); p != "" {
					emit(t, []any{"containerDefinitions", c.Index, "image"}, fmt.Sprintf("%s: image %q %s", who(t, &c), ref, p))
				}
			}
		}
	}
}

// who names a container in messages.
func who(t *TaskDefinition, c *Container) string {
	return fmt.Sprintf("%s container %q", t, c.Name)
}
