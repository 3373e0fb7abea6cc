package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/dockerfile/rules"
	"github.com/sluice-dev/sluice/finding"
)

type lintOptions struct {
	out              outputOptions
	strict           bool
	trusted          []string
	allowedBases     []string
	ignore           []string
	enable           []string
	hadolintConfig   string
	noHadolintConfig bool
	disablePragmas   bool
}

func newLintCmd(a *app) *cobra.Command {
	var o lintOptions
	cmd := &cobra.Command{
		Use:   "lint [PATH|-]...",
		Short: "Lint Dockerfiles: hadolint's DL rules and sluice's SL security rules",
		Long: `Lint Dockerfiles line by line for what makes an image larger, less
reproducible or less secure.

Every hadolint DL rule is implemented with the same ID, meaning and default
severity (hadolint error is high, warning medium, info low, style info), so
"# hadolint ignore=DL3008" pragmas, "# hadolint global ignore=..." and
.hadolint.yaml (ignored, override, trustedRegistries, label-schema,
strict-labels, failure-threshold, no-fail, disable-ignore-pragma) keep
working. SL1xxx rules add security checks hadolint lacks. "# sluice:ignore
RULE[,RULE] reason" on the line above an instruction silences a finding; it
stays in the JSON report, marked suppressed.

PATH may be a Dockerfile, a directory (searched for Dockerfile, *.Dockerfile,
Dockerfile.*, Containerfile) or - for stdin; the default is the current
directory. A file that does not parse is reported as DL1000 at its line.

.hadolint.yaml (or .hadolint.yml) is read from the current directory, else
from the first directory argument, unless --hadolint-config names one.

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it,
2 usage or input error.`,
		Example: `  sluice lint Dockerfile
  sluice lint . --fail-on medium
  cat Dockerfile | sluice lint - -f json
  sluice lint --strict --trusted-registry registry.example.com services/`,
		RunE: func(cmd *cobra.Command, args []string) error { return a.runLint(cmd, &o, args) },
	}
	addOutputFlags(cmd, &o.out, findingFormats()...)
	f := cmd.Flags()
	f.BoolVar(&o.strict, "strict", false, "enable strict rules (base image pinned by digest, SL1006)")
	f.StringArrayVar(&o.trusted, "trusted-registry", nil, "registry FROM may use (repeatable; DL3026); patterns like *.gcr.io work")
	f.StringArrayVar(&o.allowedBases, "allowed-base", nil, "image pattern FROM may use (repeatable; SL1007), e.g. docker.io/library/*")
	f.StringArrayVar(&o.ignore, "ignore", nil, "rule ID not to run (repeatable)")
	f.StringArrayVar(&o.enable, "enable", nil, "off-by-default rule to run (repeatable), e.g. DL3057")
	f.StringVar(&o.hadolintConfig, "hadolint-config", "", "hadolint configuration file (default: .hadolint.yaml if present)")
	f.BoolVar(&o.noHadolintConfig, "no-hadolint-config", false, "do not read .hadolint.yaml")
	f.BoolVar(&o.disablePragmas, "disable-ignore-pragma", false, "ignore inline ignore pragmas")
	return cmd
}

func (a *app) runLint(cmd *cobra.Command, o *lintOptions, args []string) error {
	if err := o.out.validate(); err != nil {
		return err
	}
	if len(args) == 0 {
		args = []string{"."}
	}
	if len(o.trusted) == 0 && a.cfg != nil {
		o.trusted = a.cfg.AllowedRegistries // one allowed-registries list for lint, config and audit
	}
	opts := dockerfile.Options{
		Ignore: o.ignore, Enable: o.enable, Strict: o.strict, TrustedRegistries: o.trusted,
		AllowedBases: o.allowedBases, NoInlinePragmas: o.disablePragmas, Logger: a.log,
	}
	hc, err := loadHadolintConfig(o, args)
	if err != nil {
		return usageErrorf("%v", err)
	}
	if hc != nil {
		hc.Apply(&opts)
		if !flagChanged(cmd.Flags(), "fail-on") {
			if sev, ok, never := hc.Threshold(); never {
				o.out.failOn = ""
			} else if ok {
				o.out.failOn = sev.String()
			}
		}
	}
	res, err := lintResult(cmd.Context(), cmd.InOrStdin(), args, opts)
	if err != nil {
		return err
	}
	return a.writeResult(cmd, &o.out, res)
}

// lintResult lints the Dockerfiles args name (files, directories, - for
// stdin): the work of `sluice lint` and of the lint stage of `sluice ci`.
func lintResult(ctx context.Context, stdin io.Reader, args []string, opts dockerfile.Options) (finding.Result, error) {
	files, skipped, err := lintTargets(args)
	if err != nil {
		return finding.Result{}, usageErrorf("%v", err)
	}
	all := rules.All()
	res := finding.Result{Target: finding.Target{Kind: "dockerfile", Name: strings.Join(args, " ")}}
	found, err := lintFiles(ctx, stdin, files, all, opts)
	if err != nil {
		return finding.Result{}, err
	}
	res.Findings = found
	for i := range all {
		if all[i].ID == dockerfile.ParseErrorID || opts.Enabled(&all[i]) {
			m := all[i].Meta()
			m.Severity = opts.SeverityOf(&all[i])
			res.Rules = append(res.Rules, m)
		}
	}
	for _, sk := range skipped {
		res.Notes = append(res.Notes, finding.Note{Level: finding.NoteWarning, Message: "skipped " + sk})
	}
	if len(files) == 0 {
		res.Notes = append(res.Notes, finding.Note{Level: finding.NoteWarning, Message: "no Dockerfile found in " + strings.Join(args, ", ")})
	}
	return res, nil
}

// lintFiles lints files on GOMAXPROCS workers; findings keep file order.
func lintFiles(ctx context.Context, stdin io.Reader, files []string, all []dockerfile.Rule, opts dockerfile.Options) ([]finding.Finding, error) {
	results := make([][]finding.Finding, len(files))
	errs := make([]error, len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(files)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if files[i] == "-" {
					results[i], errs[i] = dockerfile.LintReader(ctx, "-", stdin, all, opts)
				} else {
					results[i], errs[i] = lintFile(ctx, files[i], all, opts)
				}
			}
		}()
	}
	for i := range files {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []finding.Finding
	for i, err := range errs {
		if err != nil {
			return nil, usageErrorf("lint %s: %v", files[i], err)
		}
		out = append(out, results[i]...)
	}
	return out, nil
}

func lintFile(ctx context.Context, name string, all []dockerfile.Rule, opts dockerfile.Options) ([]finding.Finding, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return dockerfile.LintReader(ctx, filepath.ToSlash(name), fh, all, opts)
}

// loadHadolintConfig reads --hadolint-config, or .hadolint.yaml from the
// current directory, or from the first directory argument.
func loadHadolintConfig(o *lintOptions, args []string) (*dockerfile.HadolintConfig, error) {
	if o.noHadolintConfig {
		return nil, nil
	}
	if o.hadolintConfig != "" {
		return dockerfile.LoadHadolintConfig(o.hadolintConfig)
	}
	dirs := []string{"."}
	for _, a := range args {
		if st, err := os.Stat(a); err == nil && st.IsDir() {
			dirs = append(dirs, a)
			break
		}
	}
	for _, d := range dirs {
		for _, n := range dockerfile.HadolintConfigNames {
			p := filepath.Join(d, n)
			if _, err := os.Stat(p); err == nil {
				return dockerfile.LoadHadolintConfig(p)
			}
		}
	}
	return nil, nil
}

// IsDockerfileName reports whether a file name is a Dockerfile by convention.
func isDockerfileName(name string) bool {
	l := strings.ToLower(name)
	return l == "dockerfile" || l == "containerfile" || strings.HasSuffix(l, ".dockerfile") ||
		strings.HasPrefix(l, "dockerfile.") || strings.HasPrefix(l, "containerfile.")
}

// skipDirs are directories never searched for Dockerfiles.
var skipDirs = []string{".git", "node_modules", "vendor", ".hg", ".svn"}

// lintTargets expands the arguments into files: files as given, directories
// searched (without following symlinks), "-" for stdin once. Unreadable
// directories inside a search are skipped and listed.
func lintTargets(args []string) (files, skipped []string, err error) {
	for _, a := range args {
		if a == "-" {
			if !slices.Contains(files, "-") {
				files = append(files, "-")
			}
			continue
		}
		st, err := os.Stat(a)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", a, bareErr(err))
		}
		if !st.IsDir() {
			files = append(files, a)
			continue
		}
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == a {
					return err
				}
				skipped = append(skipped, fmt.Sprintf("%s: %v", p, bareErr(err)))
				return nil
			}
			if d.IsDir() {
				if p != a && slices.Contains(skipDirs, d.Name()) {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && isDockerfileName(d.Name()) {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("search %s: %w", a, err)
		}
	}
	return files, skipped, nil
}

// bareErr drops the path from a *fs.PathError, for messages that name the
// path themselves.
func bareErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
