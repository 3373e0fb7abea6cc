package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/image"
	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/secrets"
	"github.com/sluice-dev/sluice/secrets/dirsource"
	"github.com/sluice-dev/sluice/secrets/gitleaks"
	"github.com/sluice-dev/sluice/secrets/gitsource"
	"github.com/sluice-dev/sluice/secrets/rules"
	"github.com/sluice-dev/sluice/source"
)

type secretsOptions struct {
	image       imageFlags
	history     bool
	since       string
	branches    []string
	staged      bool
	baseline    string
	gitignore   bool
	maxSizeMB   int
	noIgnore    bool
	noInlineOK  bool
	workers     int
	gitleaksCfg string
}

func newSecretsCmd(a *app) *cobra.Command {
	var o outputOptions
	var so secretsOptions
	cmd := &cobra.Command{
		Use:   "secrets [TARGET]",
		Short: "Find credentials in a directory, a file, stdin, staged changes or git history",
		Long: `secrets finds credentials (cloud keys, VCS and CI tokens, private keys, database
URLs with passwords, generic password and API key assignments, ...) before
they leave the developer's machine or reach an image.

TARGET is a directory (default .), a file, - for stdin, git:PATH for the
history of a repository, or an image in any form (oci-dir:PATH,
oci-archive:FILE, docker-archive:FILE, registry:REF, or detected as for
"sluice sbom": an OCI layout directory, an image archive, a host/repo:tag
reference). --history scans every commit of every ref (or --branch), each
unique blob once, and attributes each finding to the commit, author and
date that introduced it. --staged scans only the lines a commit would add:
use it in a pre-commit hook.

An image is read layer by layer, each layer once and cached by diffID, and
every finding names its layer. A secret in a file that a later layer
deleted is still in every pull of the image: it is reported as deleted and
rated at least high. Secrets in the image config (ENV, build history) are
"sluice audit"'s (AUD003, AUD004). For an image, .gitleaks.toml and
.gitleaksignore are read from the current directory; with --show-secrets
the layer cache is not used, so whole secrets never reach the disk.

Rules: sluice's built-in rules (docs/rules/secrets.md), or a gitleaks v8
configuration given with --gitleaks-config FILE.toml (or --config FILE.toml, as
gitleaks users write it; or .gitleaks.toml at the root of
the target); "[extend] useDefault = true" in it adds the built-in rules.
.gitleaksignore fingerprints at the target root and "gitleaks:allow" or
"sluice:allow" comments on a line silence findings (kept in the JSON report
as suppressed). --baseline REPORT.json reports only secrets not in an
earlier JSON report.

Every secret is redacted in every output (its first characters, then "…")
unless --show-secrets. Secrets are never verified against their provider:
sluice makes no network calls.

Exit codes: 0 no finding at or above --fail-on (or no --fail-on), 1 findings
at or above --fail-on, 2 usage or input error.`,
		Example: `  sluice secrets                                # the current directory
  sluice secrets --fail-on high -f json src/
  sluice secrets --history --since 2024-01-01 .  # every commit since
  sluice secrets --staged --fail-on low          # pre-commit hook
  git diff | sluice secrets -                    # stdin
  sluice secrets oci-dir:build/image --fail-on high  # every layer of an image
  sluice secrets --gitleaks-config .gitleaks.toml --baseline last.json .`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.validate(); err != nil {
				return err
			}
			target := "."
			if len(args) == 1 {
				target = args[0]
			}
			res, err := a.runSecrets(cmd.Context(), target, &o, &so)
			if err != nil {
				return err
			}
			return a.writeResult(cmd, &o, *res)
		},
	}
	addOutputFlags(cmd, &o, findingFormats()...)
	f0 := cmd.Flags()
	f0.StringVar(&so.gitleaksCfg, "gitleaks-config", "", "rules from this gitleaks v8 configuration (TOML) instead of .gitleaks.toml at the target root")
	f := cmd.Flags()
	f.BoolVar(&so.history, "history", false, "scan the git history of TARGET (every ref unless --branch)")
	f.StringVar(&so.since, "since", "", "with --history: only commits after DATE (as git log --since)")
	f.StringArrayVar(&so.branches, "branch", nil, "with --history: scan this branch or revision range instead of all refs (repeatable)")
	f.BoolVar(&so.staged, "staged", false, "scan only the staged changes (added lines) of the repository at TARGET")
	f.StringVar(&so.baseline, "baseline", "", "a previous JSON report: secrets already in it are marked suppressed (baseline)")
	f.BoolVar(&o.showSecrets, "show-secrets", false, "print secrets whole instead of redacted (never in CI logs)")
	f.BoolVar(&so.gitignore, "gitignore", false, "in a directory, skip files git ignores (.gitignore, info/exclude)")
	f.IntVar(&so.maxSizeMB, "max-file-size", secrets.DefaultMaxFileSize>>20, "skip files larger than this many MiB (counted in the report notes)")
	f.BoolVar(&so.noIgnore, "no-gitleaksignore", false, "do not read .gitleaksignore")
	f.BoolVar(&so.noInlineOK, "no-inline-allow", false, "disregard gitleaks:allow / sluice:allow comments")
	f.IntVar(&so.workers, "workers", 0, "files scanned at once (default: the number of CPUs; an image is read a layer per CPU)")
	addImageFlags(cmd, &so.image)
	return cmd
}

// runSecrets resolves the target and rules, scans and builds the result.
func (a *app) runSecrets(ctx context.Context, target string, o *outputOptions, so *secretsOptions) (*finding.Result, error) {
	if so.history && so.staged {
		return nil, usageErrorf("--history and --staged exclude each other")
	}
	if (so.since != "" || len(so.branches) > 0) && !so.history && !strings.HasPrefix(target, "git:") {
		return nil, usageErrorf("--since and --branch need --history")
	}
	kind, path := "dir", target
	switch {
	case target == "-":
		kind = "stdin"
	case strings.HasPrefix(target, "git:"):
		kind, path = "git", strings.TrimPrefix(target, "git:")
	case strings.HasPrefix(target, "dir:"):
		path = strings.TrimPrefix(target, "dir:")
	case strings.HasPrefix(target, "sbom:"):
		return nil, usageErrorf("%s: an SBOM lists packages, not file contents: scan the image or directory it describes", target)
	case isImageTarget(target):
		if so.history || so.staged {
			return nil, usageErrorf("--history and --staged read a git repository; %s is an image", target)
		}
		// An image has no root on the host to hold .gitleaks.toml and
		// .gitleaksignore: the project's, in the current directory, apply.
		kind, path = "image", "."
	}
	if so.history {
		kind = "git"
	}
	if so.staged {
		kind = "staged"
	}
	root := path
	if kind != "stdin" && kind != "image" {
		st, err := os.Stat(path)
		if err != nil {
			return nil, usageErrorf("target %s: %v", path, errors.Unwrap(err))
		}
		if !st.IsDir() {
			if kind != "dir" {
				return nil, usageErrorf("target %s: --history and --staged need a repository directory", path)
			}
			kind, root = "file", filepath.Dir(path)
		}
	}

	scanner, notes, err := a.secretsScanner(so, root, kind, o.showSecrets)
	if err != nil {
		return nil, err
	}

	var rep *secrets.Report
	var tgt finding.Target
	if kind == "image" {
		rep, tgt, err = a.imageSecrets(ctx, target, scanner, o, so)
	} else {
		rep, tgt, err = scanSecretsSource(ctx, a.secretsSource(kind, path, so, so.maxFileSize()), scanner)
	}
	if err != nil {
		return nil, err
	}
	if so.baseline != "" {
		if err := applyBaseline(rep.Findings, so.baseline); err != nil {
			return nil, err
		}
	}
	return &finding.Result{
		Target:   tgt,
		Findings: rep.Findings,
		Rules:    scanner.Rules(),
		Notes:    append(notes, rep.Notes...),
	}, nil
}

// maxFileSize is --max-file-size in bytes; -1 (no limit) for 0 or less.
func (so *secretsOptions) maxFileSize() int64 {
	if so.maxSizeMB <= 0 {
		return -1
	}
	return int64(so.maxSizeMB) << 20
}

// imageSecretsScanner is the scanner for an image's layers and history with
// the project's rules: .gitleaks.toml and .gitleaksignore of the current
// directory, the default size limit, secrets redacted.
func (a *app) imageSecretsScanner() (*secrets.Scanner, []finding.Note, error) {
	return a.secretsScanner(&secretsOptions{maxSizeMB: secrets.DefaultMaxFileSize >> 20}, ".", "image", false)
}

// secretsScanner builds the scanner for a target of kind rooted at root: the
// rules (built-in or a gitleaks config), .gitleaksignore, and the options.
// sluice secrets and the image stage of sluice ci share it.
func (a *app) secretsScanner(so *secretsOptions, root, kind string, showSecrets bool) (*secrets.Scanner, []finding.Note, error) {
	cfg, cfgPath, notes, err := a.secretsConfig(so, root, kind)
	if err != nil {
		return nil, nil, err
	}
	opts := secrets.Options{
		MaxFileSize:   so.maxFileSize(),
		Workers:       so.workers,
		ShowSecrets:   showSecrets,
		NoInlineAllow: so.noInlineOK,
		Logger:        a.log,
	}
	if kind != "stdin" && !so.noIgnore {
		ign, err := readGitleaksIgnore(filepath.Join(root, ".gitleaksignore"))
		if err != nil {
			return nil, nil, err
		}
		opts.Ignore = ign
	}
	for _, p := range []string{cfgPath, so.baseline} {
		if rel, ok := relInside(root, p); ok && kind != "image" {
			opts.SkipPaths = append(opts.SkipPaths, rel)
		}
	}
	scanner, err := secrets.New(cfg, opts)
	if err != nil {
		return nil, nil, usageErrorf("secret rules: %v", err)
	}
	return scanner, notes, nil
}

// secretsSource is the source of a non-image target.
func (a *app) secretsSource(kind, path string, so *secretsOptions, maxSize int64) source.Source {
	switch kind {
	case "stdin":
		return &stdinSource{r: a.stdio.In, max: maxSize}
	case "file":
		return &fileSource{path: path}
	case "git":
		return &gitsource.History{Repo: path, Revs: so.branches, Since: so.since, MaxBlobSize: maxSize}
	case "staged":
		return &gitsource.Staged{Repo: path}
	}
	return &dirsource.Dir{Root: path, GitIgnore: so.gitignore}
}

// scanSecretsSource scans a directory, file, stdin or git source with the
// scanner's own workers.
func scanSecretsSource(ctx context.Context, src source.Source, scanner *secrets.Scanner) (*secrets.Report, finding.Target, error) {
	rep, err := scanner.Scan(ctx, src)
	if err != nil {
		var limit *safeio.LimitError
		if errors.As(err, &limit) {
			return nil, finding.Target{}, usageErrorf("%v", err)
		}
		return nil, finding.Target{}, err
	}
	md := src.Metadata()
	rep.Notes = append(rep.Notes, finding.Note{Level: finding.NoteInfo, Message: fmt.Sprintf(
		"secrets: %d files (%.1f MiB) scanned with %d rules", rep.Stats.Files, float64(rep.Stats.Bytes)/(1<<20), len(scanner.Rules()))})
	return rep, finding.Target{Kind: md.Kind, Name: md.Name}, nil
}

// imageSecrets scans every layer of an image in the one read analyzeTarget
// makes, with the scanner as an analyzer: findings carry their layer, and
// those in files a later layer deleted are marked and rated at least high.
func (a *app) imageSecrets(ctx context.Context, target string, scanner *secrets.Scanner, o *outputOptions, so *secretsOptions) (*secrets.Report, finding.Target, error) {
	ta, err := a.analyzeTarget(ctx, target, &so.image, analysisRequest{Secrets: scanner, NoCache: o.showSecrets})
	if err != nil {
		return nil, finding.Target{}, err
	}
	rep := &secrets.Report{Findings: ta.Secrets, Notes: ta.Notes}
	rep.Notes = append(rep.Notes, finding.Note{Level: finding.NoteInfo, Message: fmt.Sprintf(
		"secrets: %d layers read with %d rules, %d of them from the layer cache", len(ta.Inventory.Layers), len(scanner.Rules()), ta.CachedLayers)})
	if o.showSecrets {
		rep.Notes = append(rep.Notes, finding.Note{Level: finding.NoteInfo, Message: "secrets: the layer cache was not used: with --show-secrets findings hold whole secrets, which sluice never writes to disk"})
	}
	return rep, ta.Target, nil
}

// isImageTarget reports whether a secrets TARGET names an image: an image
// scheme, an OCI layout directory, an image archive, or a reference whose
// first part is a registry host. A bare name that is no existing path stays
// a missing directory: a typo must not become a registry lookup.
func isImageTarget(target string) bool {
	t, err := image.ParseTarget(target)
	if err != nil || !t.IsImage() {
		return false
	}
	if t.Explicit || t.Kind != image.KindRegistry {
		return true
	}
	// Docker's rule: the first path part is a host when it has a dot or a
	// port, or is localhost; otherwise it is a Docker Hub namespace.
	host, _, ok := strings.Cut(t.Path, "/")
	return ok && (strings.ContainsAny(host, ".:") || host == "localhost")
}

// secretsConfig picks the rules: a gitleaks config from --gitleaks-config or
// .gitleaks.toml at the target root, else the built-in rules.
func (a *app) secretsConfig(so *secretsOptions, root, kind string) (cfg secrets.Config, path string, notes []finding.Note, err error) {
	builtin := rules.All()
	path = so.gitleaksCfg
	if path == "" && kind != "stdin" {
		if _, err := os.Stat(filepath.Join(root, ".gitleaks.toml")); err == nil {
			path = filepath.Join(root, ".gitleaks.toml")
		}
	}
	if path == "" {
		return secrets.Config{Rules: builtin, Allowlists: rules.Allowlists()}, "", nil, nil
	}
	sev := map[string]finding.Severity{}
	for _, r := range builtin {
		sev[r.ID] = r.Severity
	}
	res, err := gitleaks.Load(path, gitleaks.Options{Base: builtin, Severities: sev})
	if err != nil {
		return secrets.Config{}, "", nil, usageErrorf("%v", err)
	}
	notes = append([]finding.Note{{Level: finding.NoteInfo, Message: fmt.Sprintf("secrets: rules from gitleaks config %s (%d rules)", path, len(res.Config.Rules))}},
		res.Notes(path)...)
	return res.Config, path, notes, nil
}

func readGitleaksIgnore(path string) (map[string]bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, usageErrorf("%s: %v", path, err)
	}
	defer f.Close()
	ign, err := gitleaks.ParseIgnore(f)
	if err != nil {
		return nil, usageErrorf("%s: %v", path, err)
	}
	return ign, nil
}

// applyBaseline marks findings whose fingerprint is in a previous JSON report.
func applyBaseline(fs []finding.Finding, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return usageErrorf("--baseline: %v", err)
	}
	defer f.Close()
	data, err := safeio.ReadAll(f, safeio.MaxPackageDB, "baseline report size")
	if err != nil {
		return usageErrorf("--baseline %s: %v", path, err)
	}
	var old struct {
		Schema   string `json:"schema"`
		Findings []struct {
			Kind        finding.Kind `json:"kind"`
			Fingerprint string       `json:"fingerprint"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(data, &old); err != nil {
		return usageErrorf("--baseline %s: not a sluice JSON report: %v", path, err)
	}
	if old.Schema != finding.SchemaV1 {
		return usageErrorf("--baseline %s: schema %q, want %s (a report written with -f json)", path, old.Schema, finding.SchemaV1)
	}
	known := map[string]bool{}
	for _, f := range old.Findings {
		if f.Kind == finding.KindSecret && f.Fingerprint != "" {
			known[f.Fingerprint] = true
		}
	}
	for i := range fs {
		if fs[i].Suppressed == nil && known[fs[i].Fingerprint] {
			fs[i].Suppressed = &finding.Suppression{Kind: "baseline", Reason: "in the baseline report", Source: path}
		}
	}
	return nil
}

// relInside returns p relative to root, slash-separated, when p is inside root.
func relInside(root, p string) (string, bool) {
	if p == "" {
		return "", false
	}
	ar, err1 := filepath.Abs(root)
	ap, err2 := filepath.Abs(p)
	if err1 != nil || err2 != nil {
		return "", false
	}
	rel, err := filepath.Rel(ar, ap)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// stdinSource is standard input as one file named "-".
type stdinSource struct {
	r   io.Reader
	max int64
}

func (s *stdinSource) Metadata() source.Metadata { return source.Metadata{Kind: "stdin", Name: "-"} }

func (s *stdinSource) Files(ctx context.Context, fn func(source.File) error) error {
	max := s.max
	if max <= 0 {
		max = 1 << 40
	}
	data, err := safeio.ReadAll(s.r, max, "standard input size")
	if err != nil {
		return fmt.Errorf("read standard input: %w", err)
	}
	return fn(source.NewFile(source.File{Path: "-", Mode: 0o644, Size: int64(len(data))},
		func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(string(data))), nil }))
}

// fileSource is a single file, reported under the path the user gave.
type fileSource struct{ path string }

func (s *fileSource) Metadata() source.Metadata { return source.Metadata{Kind: "file", Name: s.path} }

func (s *fileSource) Files(ctx context.Context, fn func(source.File) error) error {
	st, err := os.Stat(s.path)
	if err != nil {
		return fmt.Errorf("read %s: %w", s.path, err)
	}
	return fn(source.NewFile(source.File{Path: filepath.ToSlash(s.path), Mode: st.Mode(), Size: st.Size()},
		func() (io.ReadCloser, error) { return os.Open(s.path) }))
}
