package manifest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/sluice-dev/sluice/internal/safeio"
)

// Format is the kind of deployment configuration a file holds.
type Format string

// The formats sluice reads.
const (
	FormatUnknown    Format = ""
	FormatKubernetes Format = "kubernetes"
	FormatECS        Format = "ecs"
	FormatCompose    Format = "compose"
)

// Default limits of Options (a zero field means the default).
const (
	DefaultMaxFileSize  = safeio.MaxConfigFile
	DefaultMaxDocuments = 10_000
	DefaultMaxDepth     = safeio.MaxDepth
)

// Options bound the loader. The zero value applies the defaults.
type Options struct {
	MaxFileSize  int64 // bytes in one file (default 16 MiB)
	MaxDocuments int   // YAML documents in one file, List items included (default 10,000)
	MaxDepth     int   // nesting of mappings and sequences (default 64)
}

func (o Options) withDefaults() Options {
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = DefaultMaxFileSize
	}
	if o.MaxDocuments <= 0 {
		o.MaxDocuments = DefaultMaxDocuments
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = DefaultMaxDepth
	}
	return o
}

// Document is one YAML or JSON document of a file: its top-level node and
// where it came from. Lines in Root are lines of the file.
type Document struct {
	Path  string     // as given by the caller, slash-separated
	Index int        // 0-based position in the file's stream (List items share their List's index)
	Root  *yaml.Node // the top-level value (a mapping for every format we read)
}

// File is a loaded file: its detected format and its documents.
type File struct {
	Path   string
	Format Format
	Docs   []Document
	// Warnings are problems that do not stop the checks (a key defined twice).
	Warnings []string
}

// Parse reads every document of a YAML or JSON stream, bounded by opts.
// Empty documents (a lone "---") are dropped. name is used in errors only.
func Parse(name string, data []byte, opts Options) ([]Document, error) {
	opts = opts.withDefaults()
	if int64(len(data)) > opts.MaxFileSize {
		return nil, fmt.Errorf("%s: %w", name, &safeio.LimitError{What: "file size", Limit: opts.MaxFileSize})
	}
	data = jsonTabs(data)
	dec := yaml.NewDecoder(bytes.NewReader(data))
	count := safeio.Counter{What: "documents", Max: opts.MaxDocuments}
	var docs []Document
	for i := 0; ; i++ {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", name, i+1, err)
		}
		if err := count.Inc(); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		root := resolve(&n)
		if root == nil || (root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null") {
			continue
		}
		if d := depth(root, 0, opts.MaxDepth); d > opts.MaxDepth {
			return nil, fmt.Errorf("%s: document %d: %w", name, i+1, &safeio.LimitError{What: "nesting depth", Limit: int64(opts.MaxDepth)})
		}
		docs = append(docs, Document{Path: name, Index: i, Root: root})
	}
	return docs, nil
}

// jsonTabs replaces tabs with spaces in a JSON text: JSON allows tabs as
// whitespace but YAML does not allow them as indentation, and JSON strings
// cannot hold a raw tab, so the swap changes no value, line or column.
func jsonTabs(data []byte) []byte {
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(t) == 0 || (t[0] != '{' && t[0] != '[') || bytes.IndexByte(data, '\t') < 0 {
		return data
	}
	return bytes.ReplaceAll(data, []byte{'\t'}, []byte{' '})
}

// duplicateKeys reports a mapping that defines a key twice. Such a file is
// ambiguous: kubectl --validate=strict and docker compose refuse it, while a
// JSON decoder (and so the Kubernetes API in its default mode) keeps the last
// value. Lookups here keep the last value too, and the loader warns.
func duplicateKeys(n *yaml.Node, d int) error {
	if d > DefaultMaxDepth*2 {
		return nil
	}
	if n.Kind == yaml.MappingNode {
		var seen map[string]int
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || (k.Value == "<<" && k.Style == 0) {
				continue
			}
			if seen == nil {
				seen = make(map[string]int, len(n.Content)/2)
			}
			if at, ok := seen[k.Value]; ok {
				return fmt.Errorf("line %d: mapping key %q already defined at line %d", k.Line, k.Value, at)
			}
			seen[k.Value] = k.Line
		}
	}
	for _, c := range n.Content {
		if c.Kind == yaml.MappingNode || c.Kind == yaml.SequenceNode {
			if err := duplicateKeys(c, d+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// depth measures nesting without following aliases, stopping past max.
func depth(n *yaml.Node, d, max int) int {
	if d > max {
		return d
	}
	deepest := d
	for _, c := range n.Content {
		if c.Kind == yaml.MappingNode || c.Kind == yaml.SequenceNode {
			if x := depth(c, d+1, max); x > deepest {
				deepest = x
			}
			if deepest > max {
				return deepest
			}
		}
	}
	return deepest
}

// Detect tells the format of a file from its documents, with the file name
// as a tie-breaker for Compose (compose.yaml, docker-compose.yml).
func Detect(name string, docs []Document) Format {
	for _, d := range docs {
		if d.Root.Kind != yaml.MappingNode {
			continue
		}
		switch {
		case isKubernetes(d.Root):
			return FormatKubernetes
		case isECS(d.Root):
			return FormatECS
		case isCompose(name, d.Root):
			return FormatCompose
		}
	}
	return FormatUnknown
}

func isKubernetes(root *yaml.Node) bool {
	api, ok1 := Scalar(Lookup(root, "apiVersion"))
	kind, ok2 := Scalar(Lookup(root, "kind"))
	return ok1 && ok2 && api != "" && kind != ""
}

func isECS(root *yaml.Node) bool {
	if LookupFold(root, "containerDefinitions") != nil || LookupFold(root, "taskDefinition", "containerDefinitions") != nil {
		return true
	}
	for _, kv := range Pairs(Lookup(root, "Resources")) {
		if t, _ := Scalar(Lookup(kv[1], "Type")); t == "AWS::ECS::TaskDefinition" {
			return true
		}
	}
	return false
}

func isCompose(name string, root *yaml.Node) bool {
	svc := Lookup(root, "services")
	if svc == nil || svc.Kind != yaml.MappingNode {
		return false
	}
	base := strings.ToLower(filepath.Base(name))
	if strings.Contains(base, "compose") {
		return true
	}
	// Without a telling name, every service must look like one.
	for _, kv := range Pairs(svc) {
		if Lookup(kv[1], "image") == nil && Lookup(kv[1], "build") == nil {
			return false
		}
	}
	return len(svc.Content) > 0
}

// Load parses data and detects its format.
func Load(name string, data []byte, opts Options) (*File, error) {
	docs, err := Parse(name, data, opts)
	if err != nil {
		return nil, err
	}
	f := &File{Path: name, Format: Detect(name, docs), Docs: docs}
	for _, d := range docs {
		if err := duplicateKeys(d.Root, 0); err != nil {
			f.Warnings = append(f.Warnings, fmt.Sprintf("%s: document %d: %v: the last value is used (kubectl --validate=strict would refuse the file)", name, d.Index+1, err))
		}
	}
	return f, nil
}

// ReadFile reads and loads one file from disk, bounded by opts.MaxFileSize.
func ReadFile(path string, opts Options) (*File, error) {
	opts = opts.withDefaults()
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := safeio.ReadAll(f, opts.MaxFileSize, "file size")
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return Load(filepath.ToSlash(path), data, opts)
}

// ReadStream loads one stream (stdin: rendered Helm or Kustomize output),
// bounded by opts.MaxFileSize.
func ReadStream(name string, r io.Reader, opts Options) (*File, error) {
	opts = opts.withDefaults()
	data, err := safeio.ReadAll(r, opts.MaxFileSize, "input size")
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return Load(name, data, opts)
}

// IsCandidate reports whether a file found while walking a directory may be
// a manifest: by extension only, no I/O.
func IsCandidate(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// WalkDir lists the candidate files under root in lexical order, skipping
// hidden directories (.git) and vendored trees (node_modules).
func WalkDir(ctx context.Context, root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if p != root && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && IsCandidate(p) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("walk %s: %w", root, err)
	}
	slices.Sort(out)
	return out, nil
}
