// Package scan runs every deployment configuration check over a set of
// files: it loads them with manifest, detects each file's format, and hands
// Kubernetes objects to manifest/k8s (all files together, so per-namespace
// checks see every NetworkPolicy), task definitions to manifest/ecs and
// Compose services to manifest/compose. It is the engine behind
// `sluice config`.
package scan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
	"github.com/sluice-dev/sluice/manifest/compose"
	"github.com/sluice-dev/sluice/manifest/ecs"
	"github.com/sluice-dev/sluice/manifest/k8s"
	"github.com/sluice-dev/sluice/progress"
)

// Stdin is the path that means standard input.
const Stdin = "-"

// Options tune a run. The zero value runs the baseline Pod Security Standard
// and every non-strict check with default loader limits.
type Options struct {
	Load              manifest.Options
	PSS               string   // baseline (default), restricted or none
	Strict            bool     // also run digest pinning checks
	AllowedRegistries []string // turns on the registry checks
	Stdin             io.Reader
	Logger            *slog.Logger
	Progress          progress.Reporter // files read; nil reports nothing
	// Rule lists; nil means every built-in rule of the platform.
	K8sRules     []k8s.Rule
	ECSRules     []ecs.Rule
	ComposeRules []compose.Rule
}

// ErrNoInput is returned when no path was given.
var ErrNoInput = errors.New("no file or directory given")

// Run loads paths (files, directories walked for .yaml/.yml/.json, or "-"
// for stdin) and runs every check. A file that fails to parse becomes a note
// and the run goes on; a path that does not exist is an error.
func Run(ctx context.Context, paths []string, opts Options) (finding.Result, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	res := finding.Result{Target: finding.Target{Kind: "manifest"}}
	if len(paths) == 0 {
		return res, ErrNoInput
	}
	res.Target.Name = paths[0]
	if len(paths) > 1 {
		res.Target.Name = fmt.Sprintf("%s (+%d more)", paths[0], len(paths)-1)
	}
	var files []*manifest.File
	unknown := 0
	task := progress.OrNop(opts.Progress).Task("read manifests", 0)
	defer task.Done()
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if p == Stdin {
			if opts.Stdin == nil {
				return res, errors.New("stdin: no input stream")
			}
			f, err := manifest.ReadStream("stdin", opts.Stdin, opts.Load)
			if err != nil {
				return res, err
			}
			if f.Format == manifest.FormatUnknown {
				res.Notes = append(res.Notes, finding.Note{Level: finding.NoteWarning, Message: "stdin: not a Kubernetes, ECS or Compose document: not checked"})
				continue
			}
			files = append(files, f)
			res.Notes = append(res.Notes, warnings(f)...)
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			return res, fmt.Errorf("%s: %w", p, err)
		}
		explicit := !st.IsDir()
		list := []string{p}
		if st.IsDir() {
			if list, err = manifest.WalkDir(ctx, p); err != nil {
				return res, err
			}
		}
		for _, fp := range list {
			if err := ctx.Err(); err != nil {
				return res, err
			}
			f, err := manifest.ReadFile(fp, opts.Load)
			task.Add(1)
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
					return res, err
				}
				res.Notes = append(res.Notes, finding.Note{Level: finding.NoteError, Message: fmt.Sprintf("%v: not checked", err)})
				continue
			}
			if f.Format == manifest.FormatUnknown {
				if explicit {
					res.Notes = append(res.Notes, finding.Note{Level: finding.NoteWarning,
						Message: fmt.Sprintf("%s: not a Kubernetes, ECS or Compose file: not checked", filepath.ToSlash(fp))})
				} else {
					unknown++
					log.Debug("skip file of unknown format", "path", fp)
				}
				continue
			}
			files = append(files, f)
			res.Notes = append(res.Notes, warnings(f)...)
		}
	}
	if unknown > 0 {
		res.Notes = append(res.Notes, finding.Note{Level: finding.NoteInfo,
			Message: fmt.Sprintf("%d YAML/JSON file(s) in the directories given are not Kubernetes, ECS or Compose files: skipped", unknown)})
	}
	part, err := Check(ctx, files, opts)
	if err != nil {
		return res, err
	}
	res.Findings, res.Rules = part.Findings, part.Rules
	res.Notes = append(res.Notes, part.Notes...)
	return res, nil
}

// Check runs every check over files already loaded. Rules of a platform are
// listed (and run) only when a file of that platform was given.
func Check(ctx context.Context, files []*manifest.File, opts Options) (finding.Result, error) {
	var res finding.Result
	has := map[manifest.Format]bool{}
	for _, f := range files {
		has[f.Format] = true
	}
	merge := func(p finding.Result) {
		res.Findings = append(res.Findings, p.Findings...)
		res.Rules = append(res.Rules, p.Rules...)
		res.Notes = append(res.Notes, p.Notes...)
	}
	if has[manifest.FormatKubernetes] {
		rules := opts.K8sRules
		if rules == nil {
			rules = k8s.Rules()
		}
		p, err := k8s.Check(ctx, k8s.NewSet(files), rules, k8s.Options{
			PSS: opts.PSS, Strict: opts.Strict, AllowedRegistries: opts.AllowedRegistries, Logger: opts.Logger})
		if err != nil {
			return res, err
		}
		merge(p)
	}
	if has[manifest.FormatECS] {
		rules := opts.ECSRules
		if rules == nil {
			rules = ecs.Rules()
		}
		p, err := ecs.Check(ctx, ecs.Find(files), rules, ecs.Options{Strict: opts.Strict, AllowedRegistries: opts.AllowedRegistries})
		if err != nil {
			return res, err
		}
		merge(p)
	}
	if has[manifest.FormatCompose] {
		rules := opts.ComposeRules
		if rules == nil {
			rules = compose.Rules()
		}
		p, err := compose.Check(ctx, compose.Services(files), rules, compose.Options{Strict: opts.Strict, AllowedRegistries: opts.AllowedRegistries})
		if err != nil {
			return res, err
		}
		merge(p)
	}
	slices.SortStableFunc(res.Findings, func(a, b finding.Finding) int { return finding.Compare(&a, &b) })
	return res, nil
}

func warnings(f *manifest.File) []finding.Note {
	var out []finding.Note
	for _, w := range f.Warnings {
		out = append(out, finding.Note{Level: finding.NoteWarning, Message: w})
	}
	return out
}
