package k8s

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

// PSS levels accepted by Options.PSS.
const (
	PSSBaseline   = "baseline"
	PSSRestricted = "restricted"
	PSSNone       = "none"
)

// Options tune a run. The zero value runs the baseline Pod Security Standard
// and every non-strict check with no registry restriction.
type Options struct {
	// PSS is the Pod Security Standards level: baseline (default), restricted
	// or none.
	PSS string
	// Strict also runs the strict rules (digest pinning).
	Strict bool
	// AllowedRegistries, when not empty, turns on the registry check.
	AllowedRegistries []string
	Logger            *slog.Logger
}

// Emit reports one finding of the running rule about obj, at the line of the
// field at path (from the object root).
type Emit func(obj *Object, path []any, message string)

// Rule is a K8Sxxx check: its data and the function that runs it over the
// whole set of objects.
type Rule struct {
	manifest.Rule
	Check func(s *Set, opts *Options, emit Emit)
}

// Check runs the Pod Security Standards of opts.PSS and rules over the
// set. It returns the findings, the rules that ran (for the report's Rules)
// and notes.
func Check(ctx context.Context, s *Set, rules []Rule, opts Options) (finding.Result, error) {
	var res finding.Result
	res.Notes = append(res.Notes, s.Notes...)
	level := strings.ToLower(opts.PSS)
	if level == "" {
		level = PSSBaseline
	}
	switch level {
	case PSSBaseline, PSSRestricted:
		fs, ran, err := checkPSS(ctx, s, level)
		if err != nil {
			return res, err
		}
		res.Findings = append(res.Findings, fs...)
		res.Rules = append(res.Rules, ran...)
	case PSSNone:
	default:
		return res, fmt.Errorf("pod security standard %q: want baseline, restricted or none", opts.PSS)
	}
	for i := range rules {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		r := &rules[i]
		if !r.Enabled(opts.Strict, len(opts.AllowedRegistries)) {
			continue
		}
		res.Rules = append(res.Rules, r.Meta())
		r.Check(s, &opts, func(obj *Object, path []any, msg string) {
			res.Findings = append(res.Findings, r.Finding(obj.Doc.Path, obj.Line(path...), msg))
		})
	}
	return res, nil
}

// checkImages is the Check of the image rules: judge says what is wrong
// with a container's image, "" when nothing is.
func checkImages(judge func(ref string, opts *Options) string) func(*Set, *Options, Emit) {
	return func(s *Set, opts *Options, emit Emit) {
		for _, w := range s.Workloads {
			for _, c := range w.Containers() {
				if p := judge(c.Image, opts); p != "" {
					emit(w.Object, append(c.Path, "image"), fmt.Sprintf("%s container %q: image %q %s", w, c.Name, c.Image, p))
				}
			}
		}
	}
}
