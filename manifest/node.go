package manifest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/sluice-dev/sluice/internal/safeio"
)

// Lookup follows path from n and returns the value node it ends at, or nil.
// Path elements are mapping keys (string, matched exactly) or sequence
// indexes (int). Merge keys ("<<") are followed, aliases resolved.
func Lookup(n *yaml.Node, path ...any) *yaml.Node {
	_, v := lookup(n, false, path)
	return v
}

// LookupFold is Lookup with mapping keys matched case-insensitively, for
// formats whose two spellings differ only in case (ECS "containerDefinitions"
// in the API, "ContainerDefinitions" in CloudFormation).
func LookupFold(n *yaml.Node, path ...any) *yaml.Node {
	_, v := lookup(n, true, path)
	return v
}

// Line returns the line of the field at path: the line of its key for a
// mapping entry, of the item for a sequence element. When the path does not
// exist in full, it returns the line of the deepest part that does, so a
// finding about a missing field points at the object that lacks it.
func Line(n *yaml.Node, path ...any) int {
	line, _ := lookup(n, false, path)
	return line
}

// LineFold is Line with keys matched case-insensitively.
func LineFold(n *yaml.Node, path ...any) int {
	line, _ := lookup(n, true, path)
	return line
}

func lookup(n *yaml.Node, fold bool, path []any) (int, *yaml.Node) {
	n = resolve(n)
	if n == nil {
		return 0, nil
	}
	line := n.Line
	for _, p := range path {
		switch k := p.(type) {
		case string:
			key, val := field(n, k, fold, 0)
			if val == nil {
				return line, nil
			}
			line, n = key.Line, resolve(val)
		case int:
			if n.Kind != yaml.SequenceNode || k < 0 || k >= len(n.Content) {
				return line, nil
			}
			n = resolve(n.Content[k])
			line = n.Line
		default:
			return line, nil
		}
	}
	return line, n
}

// maxMergeDepth bounds chains of merge keys ("<<: *a" inside a).
const maxMergeDepth = 8

// field finds key in mapping n, looking through merge keys.
func field(n *yaml.Node, key string, fold bool, depth int) (k, v *yaml.Node) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode || depth > maxMergeDepth {
		return nil, nil
	}
	// The last definition of a key wins, as in a JSON decoder.
	for i := len(n.Content) - 2; i >= 0; i -= 2 {
		kn := n.Content[i]
		if kn.Value == key || (fold && strings.EqualFold(kn.Value, key)) {
			return kn, n.Content[i+1]
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value != "<<" || n.Content[i].Tag == "!!str" && n.Content[i].Style != 0 {
			continue
		}
		m := resolve(n.Content[i+1])
		if m == nil {
			continue
		}
		srcs := []*yaml.Node{m}
		if m.Kind == yaml.SequenceNode {
			srcs = m.Content
		}
		for _, s := range srcs {
			if k, v := field(s, key, fold, depth+1); v != nil {
				return k, v
			}
		}
	}
	return nil, nil
}

// resolve follows aliases (bounded) and unwraps document nodes.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && i < maxMergeDepth; i++ {
		switch {
		case n.Kind == yaml.AliasNode:
			n = n.Alias
		case n.Kind == yaml.DocumentNode && len(n.Content) == 1:
			n = n.Content[0]
		default:
			return n
		}
	}
	if n != nil && (n.Kind == yaml.AliasNode || n.Kind == yaml.DocumentNode) {
		return nil
	}
	return n
}

// Pairs returns the key/value pairs of mapping n, merge keys expanded
// (explicit keys win over merged ones, and of a key defined twice the last
// definition wins), in document order. It returns nil when n is not a
// mapping.
func Pairs(n *yaml.Node) [][2]*yaml.Node {
	var out [][2]*yaml.Node
	seen := map[string]int{}
	pairs(resolve(n), &out, seen, 0)
	return out
}

func pairs(n *yaml.Node, out *[][2]*yaml.Node, seen map[string]int, depth int) {
	if n == nil || n.Kind != yaml.MappingNode || depth > maxMergeDepth {
		return
	}
	var merges []*yaml.Node
	own := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Value == "<<" && k.Style == 0 {
			merges = append(merges, n.Content[i+1])
			continue
		}
		if at, ok := seen[k.Value]; ok {
			if own[k.Value] {
				(*out)[at] = [2]*yaml.Node{k, n.Content[i+1]} // redefined in the same mapping: last wins
			}
			continue
		}
		seen[k.Value] = len(*out)
		own[k.Value] = true
		*out = append(*out, [2]*yaml.Node{k, n.Content[i+1]})
	}
	for _, m := range merges {
		m = resolve(m)
		if m == nil {
			continue
		}
		if m.Kind == yaml.SequenceNode {
			for _, s := range m.Content {
				pairs(resolve(s), out, seen, depth+1)
			}
			continue
		}
		pairs(m, out, seen, depth+1)
	}
}

// Items returns the elements of sequence n (aliases resolved), or nil.
func Items(n *yaml.Node) []*yaml.Node {
	n = resolve(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, 0, len(n.Content))
	for _, c := range n.Content {
		if c = resolve(c); c != nil {
			out = append(out, c)
		}
	}
	return out
}

// Scalar returns the value of n when it is a scalar (whatever its tag, so a
// CloudFormation "!Ref Image" yields "Image"), and whether it was one.
func Scalar(n *yaml.Node) (string, bool) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return "", false
	}
	return n.Value, true
}

// Bool returns the boolean value of scalar n ("true"/"false" in any YAML
// spelling Kubernetes and Compose accept) and whether n is one.
func Bool(n *yaml.Node) (value, ok bool) {
	s, ok := Scalar(n)
	if !ok {
		return false, false
	}
	switch strings.ToLower(s) {
	case "true", "yes", "on":
		return true, true
	case "false", "no", "off":
		return false, true
	}
	return false, false
}

// maxNodes bounds the nodes ToValue materialises, aliases expanded.
const maxNodes = 1 << 20

// ToValue converts n into plain Go values (map[string]any, []any, string,
// bool, int64, float64, nil) as encoding/json would produce them, expanding
// aliases and merge keys, bounded in depth and total size. Tagged scalars
// keep their text (CloudFormation short-form intrinsics become strings).
func ToValue(n *yaml.Node) (any, error) {
	budget := maxNodes
	return toValue(n, 0, &budget)
}

func toValue(n *yaml.Node, depth int, budget *int) (any, error) {
	if depth > safeio.MaxDepth {
		return nil, &safeio.LimitError{What: "nesting depth", Limit: safeio.MaxDepth}
	}
	*budget--
	if *budget < 0 {
		return nil, &safeio.LimitError{What: "nodes (aliases expanded)", Limit: maxNodes}
	}
	n = resolve(n)
	if n == nil {
		return nil, nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := map[string]any{}
		for _, kv := range Pairs(n) {
			v, err := toValue(kv[1], depth+1, budget)
			if err != nil {
				return nil, err
			}
			m[kv[0].Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := toValue(c, depth+1, budget)
			if err != nil {
				return nil, err
			}
			s = append(s, v)
		}
		return s, nil
	case yaml.ScalarNode:
		return scalarValue(n), nil
	}
	return nil, nil
}

func scalarValue(n *yaml.Node) any {
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		if b, ok := Bool(n); ok {
			return b
		}
	case "!!int":
		if i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64); err == nil {
			return i
		}
	case "!!float":
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
			return f
		}
	}
	return n.Value
}

// Decode converts n into v through its JSON form, so types with json tags
// (k8s.io/api objects) decode from YAML exactly as kubectl would read them.
func Decode(n *yaml.Node, v any) error {
	val, err := ToValue(n)
	if err != nil {
		return err
	}
	b, err := json.Marshal(val)
	if err != nil {
		return fmt.Errorf("re-encode as JSON: %w", err)
	}
	return json.Unmarshal(b, v)
}
