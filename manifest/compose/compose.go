package compose

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

// Service is one service of a Compose file.
type Service struct {
	Doc  manifest.Document
	Name string
	Node *yaml.Node
}

// Get returns the node at path below the service (merge keys followed).
func (s *Service) Get(path ...any) *yaml.Node { return manifest.Lookup(s.Node, path...) }

// Line returns the line of the field at path below the service.
func (s *Service) Line(path ...any) int {
	return manifest.Line(s.Doc.Root, append([]any{"services", s.Name}, path...)...)
}

// Location says where the field at path below the service is written.
func (s *Service) Location(path ...any) finding.Location {
	return finding.Location{Path: s.Doc.Path, Line: s.Line(path...)}
}

// String names the service in messages.
func (s *Service) String() string { return fmt.Sprintf("service %q", s.Name) }

// Services returns the services of the Compose files among files, in
// document order. Keys starting with "x-" are extensions, not services.
func Services(files []*manifest.File) []*Service {
	var out []*Service
	for _, f := range files {
		if f.Format != manifest.FormatCompose {
			continue
		}
		for _, d := range f.Docs {
			for _, kv := range manifest.Pairs(manifest.Lookup(d.Root, "services")) {
				if strings.HasPrefix(kv[0].Value, "x-") {
					continue
				}
				n := kv[1]
				if n.Kind == yaml.AliasNode {
					n = n.Alias
				}
				if n == nil || n.Kind != yaml.MappingNode {
					continue
				}
				out = append(out, &Service{Doc: d, Name: kv[0].Value, Node: n})
			}
		}
	}
	return out
}

// Emit reports one finding of the running rule at the field at path (below
// the service).
type Emit = manifest.Emit[*Service]

// Rule is a DCxxx check: its data and the function that runs it on one
// service.
type Rule = manifest.EachRule[*Service, Options]

// Check runs rules over every service.
func Check(ctx context.Context, svcs []*Service, rules []Rule, opts Options) (finding.Result, error) {
	return manifest.CheckEach(ctx, svcs, rules, &opts, opts.Strict, len(opts.AllowedRegistries))
}

// image returns the image a service runs when it is pulled, not built:
// with build, image only names the result of the build.
func image(s *Service) (string, bool) {
	if s.Get("build") != nil {
		return "", false
	}
	ref, ok := manifest.Scalar(s.Get("image"))
	if !ok || ref == "" || manifest.Dynamic(ref) {
		return "", false
	}
	return ref, true
}

// checkImages is the Check of the image rules: judge says what is wrong
// with the image a service pulls, "" when nothing is.
func checkImages(judge func(ref string, opts *Options) string) func(*Service, *Options, Emit) {
	return func(s *Service, opts *Options, emit Emit) {
		if ref, ok := image(s); ok {
			if p := judge(ref, opts); p != "" {
				emit(s, []any{"image"}, fmt.Sprintf("%s: image %q %s", s, ref, p))
			}
		}
	}
}

// Env is one environment entry of a service, in map or list form.
type Env struct {
	Name, Value string
	HasValue    bool
	Path        []any // below the service
}

// Environment lists a service's environment entries.
func Environment(s *Service) []Env {
	n := s.Get("environment")
	var out []Env
	switch {
	case n == nil:
	case n.Kind == yaml.MappingNode:
		for _, kv := range manifest.Pairs(n) {
			v, ok := manifest.Scalar(kv[1])
			if kv[1].ShortTag() == "!!null" {
				ok = false
			}
			out = append(out, Env{Name: kv[0].Value, Value: v, HasValue: ok, Path: []any{"environment", kv[0].Value}})
		}
	default:
		for i, it := range manifest.Items(n) {
			s, _ := manifest.Scalar(it)
			name, value, ok := strings.Cut(s, "=")
			out = append(out, Env{Name: name, Value: value, HasValue: ok, Path: []any{"environment", i}})
		}
	}
	return out
}

// Mount is one volume of a service: short ("src:dst:mode") or long syntax.
type Mount struct {
	Source, Target string
	Path           []any
}

// Volumes lists a service's volumes.
func Volumes(s *Service) []Mount {
	var out []Mount
	for i, it := range manifest.Items(s.Get("volumes")) {
		if v, ok := manifest.Scalar(it); ok {
			parts := strings.Split(v, ":")
			m := Mount{Path: []any{"volumes", i}}
			if len(parts) >= 2 {
				m.Source, m.Target = parts[0], parts[1]
			} else {
				m.Target = parts[0]
			}
			out = append(out, m)
			continue
		}
		src, _ := manifest.Scalar(manifest.Lookup(it, "source"))
		dst, _ := manifest.Scalar(manifest.Lookup(it, "target"))
		out = append(out, Mount{Source: src, Target: dst, Path: []any{"volumes", i, "source"}})
	}
	return out
}
