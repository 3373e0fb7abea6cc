package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/audit"
	"github.com/sluice-dev/sluice/config"
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/internal/atomicfile"
	"github.com/sluice-dev/sluice/internal/netguard"
	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/manifest/k8s"
	"github.com/sluice-dev/sluice/manifest/scan"
	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/policy"
	"github.com/sluice-dev/sluice/policy/exception"
	"github.com/sluice-dev/sluice/report"
	"github.com/sluice-dev/sluice/secrets"
	"github.com/sluice-dev/sluice/sign"
)

// ciOptions are the flags of `sluice ci`.
type ciOptions struct {
	out      outputOptions
	image    imageFlags
	db       dbOptions
	reg      registryFlags
	reports  []string // FORMAT=FILE
	failFast bool
	target   string // --image: overrides targets.image and build.image
}

func newCICmd(a *app) *cobra.Command {
	o := &ciOptions{}
	cmd := &cobra.Command{
		Use:   "ci",
		Short: "Run the whole pipeline from .sluice.yaml and decide with one policy",
		Long: `Run every stage .sluice.yaml asks for, then let the policy decide whether the
image may be promoted:

  build     run build.run (docker, buildah, kaniko...) and take build.image
  lint      Dockerfiles (targets.dockerfiles)
  secrets   the source tree (targets.source); with stages.history, its git history
  config    Kubernetes, ECS and Compose files (targets.manifests)
  image     the image (targets.image), read once: packages, secrets in layers,
            risky configuration
  scan      known vulnerabilities of the image's packages (needs the database)
  verify    the image's signatures against the trust policy (stages.verify)
  sign      sign the image (sign.key)            } only when the policy passes
  push      run push.run                         }
  promote   copy the image by digest (promote.to) }

A stage runs when its target is set, unless stages.<name> is false. Stages
that do not depend on each other run at the same time; --fail-fast stops
starting new ones after the first failure. Exceptions (.sluiceignore) apply
once to everything found, and the policy (policy: in .sluice.yaml, see
docs/policy.md) decides, listing every reason with the finding behind it.

Progress is one line per stage on stderr. The findings go to stdout (-f, -o)
and to every report asked for with --report FORMAT=FILE or the reports: key,
all from the same run.

Exit codes: 0 the policy passed (and the after-gate stages succeeded), 1 the
policy failed or a stage could not finish, 2 usage or configuration error.`,
		Example: `  sluice ci                                     # .sluice.yaml in the current directory
  sluice ci --config ci/.sluice.yaml --fail-fast
  sluice ci --image docker-archive:app.tar --report sarif=sluice.sarif --report junit=sluice.xml
  sluice ci --report gitlab-container-scanning=gl-container-scanning-report.json -q`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runCI(cmd, o)
		},
	}
	addOutputFlags(cmd, &o.out, findingFormats()...)
	cmd.Flags().Lookup("fail-on").Usage = "fail at or above SEVERITY for every kind without its own policy threshold (overrides policy.fail_on)"
	addImageFlags(cmd, &o.image)
	addDBFlags(cmd, &o.db)
	f := cmd.Flags()
	f.StringArrayVar(&o.reports, "report", nil, "also write the findings as FORMAT to FILE, FORMAT=FILE (repeatable)")
	f.BoolVar(&o.failFast, "fail-fast", false, "start no new stage once one failed")
	f.StringVar(&o.target, "image", "", "the image to check (overrides targets.image and build.image)")
	return cmd
}

// ciReport is one report to write: a format and a file.
type ciReport struct{ format, path string }

// parseReports merges --report flags and the reports: key; flags win for a
// format given in both.
func parseReports(flags []string, cfg map[string]string) ([]ciReport, error) {
	seen := map[string]bool{}
	var out []ciReport
	for _, r := range flags {
		format, path, ok := strings.Cut(r, "=")
		if !ok || path == "" {
			return nil, usageErrorf("--report %q: want FORMAT=FILE", r)
		}
		if !slices.Contains(report.Formats(), format) {
			return nil, usageErrorf("--report %q: unknown format %q (want one of %s)", r, format, strings.Join(report.Formats(), ", "))
		}
		seen[format] = true
		out = append(out, ciReport{format, path})
	}
	formats := make([]string, 0, len(cfg))
	for f := range cfg {
		formats = append(formats, f)
	}
	slices.Sort(formats)
	for _, f := range formats {
		if !seen[f] {
			out = append(out, ciReport{f, cfg[f]})
		}
	}
	return out, nil
}

// ciRun is the state the stages of one run share.
type ciRun struct {
	a   *app
	cfg *config.File
	o   *ciOptions

	mu     sync.Mutex
	target string        // the image, once known (build may set it)
	facts  policy.Facts  // what the image, scan and verify stages learned
	img    *imageOutcome // the image stage's result, for scan
}

func (a *app) runCI(cmd *cobra.Command, o *ciOptions) error {
	if err := o.out.validate(); err != nil {
		return err
	}
	o.reg.insecure = o.image.insecure // one --insecure for reading, verifying, signing and promoting
	cfg := a.cfg
	reports, err := parseReports(o.reports, cfg.Reports)
	if err != nil {
		return err
	}
	gate, err := compilePolicy(cfg, o.out.failOn)
	if err != nil {
		return err
	}
	ledger, err := exception.Load(o.out.exceptions, !flagChanged(cmd.Flags(), "exceptions"))
	if err != nil {
		return err
	}
	r := &ciRun{a: a, cfg: cfg, o: o, target: cfg.Targets.Image}
	if cfg.Build != nil && cfg.Build.Image != "" {
		r.target = cfg.Build.Image
	}
	if o.target != "" {
		r.target = o.target
	}
	stages, err := r.stages(cmd)
	if err != nil {
		return err
	}
	if len(stages) == 0 {
		return usageErrorf("nothing to do: %s sets no targets (targets.dockerfiles, targets.source, targets.manifests, targets.image); see docs/ci.md",
			configName(cfg))
	}
	name := r.target
	if name == "" {
		name = "."
	}
	run, err := pipeline.Execute(cmd.Context(), stages, pipeline.Options{
		Gate: gate, Ledger: ledger, FailFast: o.failFast,
		Facts:  func() policy.Facts { r.mu.Lock(); defer r.mu.Unlock(); return r.facts },
		Events: a.stageEvents(),
		Target: finding.Target{Kind: "pipeline", Name: name},
	})
	if err != nil {
		return usageErrorf("%v", err)
	}
	res := run.Result
	res.Tool = finding.Tool{Name: "sluice", Version: readBuildInfo().Version}
	res.Normalize()
	if err := a.writeReports(cmd, o, res, reports); err != nil {
		return err
	}
	a.printStageSummary(run.Stages)
	if !res.Decision.Pass {
		return errFailed
	}
	return nil
}

// configName is how messages name the configuration.
func configName(cfg *config.File) string {
	if cfg.Path == "" {
		return "the configuration (no .sluice.yaml found)"
	}
	return cfg.Path
}

// compilePolicy builds the gate from policy: and the top-level fail_on
// (through --fail-on, which the option table fills from it).
func compilePolicy(cfg *config.File, failOn string) (*policy.Gate, error) {
	p := cfg.Policy
	pol := policy.Policy{
		OnlyFixed: p.OnlyFixed, MaxFixableCriticalDays: p.MaxFixableCriticalDays, GraceDays: p.GraceDays,
		ForbidSecrets: p.ForbidSecrets, RequireSignature: p.RequireSignature,
		RequiredLabels: cfg.RequiredLabels, AllowedBases: p.AllowedBases, RulesVersion: p.RulesVersion,
		RuleSince: ruleSince(),
	}
	threshold := p.FailOn
	if failOn != "" {
		threshold = failOn
	}
	if threshold != "" {
		sev, err := parseSeverityFlag("fail_on", threshold)
		if err != nil {
			return nil, err
		}
		pol.FailOn = &sev
	}
	if len(p.Thresholds) > 0 {
		pol.Thresholds = map[finding.Kind]finding.Severity{}
		for k, v := range p.Thresholds {
			sev, err := parseSeverityFlag("policy.thresholds."+k, v)
			if err != nil {
				return nil, err
			}
			pol.Thresholds[finding.Kind(k)] = sev
		}
	}
	for _, r := range p.Rules {
		pol.Rules = append(pol.Rules, policy.Rule{Name: r.Name, Expr: r.Expr, Message: r.Message})
	}
	g, err := policy.Compile(pol)
	if err != nil {
		return nil, usageErrorf("%s: policy: %v", configName(cfg), err)
	}
	return g, nil
}

// on tells whether a stage runs: the config's switch, else its default.
func on(v *bool, def bool) bool {
	if v != nil {
		return *v
	}
	return def
}

// stages builds the pipeline from the configuration.
func (r *ciRun) stages(cmd *cobra.Command) ([]pipeline.Stage, error) {
	cfg, st := r.cfg, r.cfg.Stages
	var out []pipeline.Stage
	var imageNeeds []string
	if cfg.Build != nil {
		out = append(out, pipeline.Stage{Name: "build", Run: r.command("build", cfg.Build.Run)})
		imageNeeds = []string{"build"}
	}
	if len(cfg.Targets.Dockerfiles) > 0 && on(st.Lint, true) {
		out = append(out, pipeline.Stage{Name: "lint", Run: r.lint(cmd.InOrStdin())})
	}
	if cfg.Targets.Source != "" && on(st.Secrets, true) {
		out = append(out, pipeline.Stage{Name: "secrets", Run: r.secrets(false)})
	}
	if cfg.Targets.Source != "" && on(st.History, false) {
		out = append(out, pipeline.Stage{Name: "history", Run: r.secrets(true)})
	}
	if len(cfg.Targets.Manifests) > 0 && on(st.Config, true) {
		out = append(out, pipeline.Stage{Name: "config", Run: r.manifests()})
	}
	hasImage := r.target != ""
	if hasImage && on(st.Image, true) {
		out = append(out, pipeline.Stage{Name: "image", Needs: imageNeeds, Run: r.image(cmd)})
		if on(st.Scan, true) {
			out = append(out, pipeline.Stage{Name: "scan", Needs: []string{"image"}, Run: r.scan()})
		}
	}
	if hasImage && on(st.Verify, false) {
		out = append(out, pipeline.Stage{Name: "verify", Needs: imageNeeds, Run: r.verify()})
	}
	if !hasImage && (cfg.Sign != nil || cfg.Promote != nil || on(st.Verify, false)) {
		return nil, usageErrorf("%s: sign, verify and promote need an image (targets.image, build.image or --image)", configName(cfg))
	}
	var after []string
	if cfg.Sign != nil {
		out = append(out, pipeline.Stage{Name: "sign", AfterGate: true, Run: r.sign()})
		after = append(after, "sign")
	}
	if cfg.Push != nil {
		out = append(out, pipeline.Stage{Name: "push", AfterGate: true, Needs: slices.Clone(after), Run: r.command("push", cfg.Push.Run)})
		after = append(after, "push")
	}
	if cfg.Promote != nil {
		out = append(out, pipeline.Stage{Name: "promote", AfterGate: true, Needs: after, Run: r.promote()})
	}
	for i := range out {
		run := out[i].Run
		out[i].Run = func(ctx context.Context) (*finding.Result, error) {
			res, err := run(ctx)
			if res != nil {
				applyRuleSettings(res, cfg)
			}
			return res, err
		}
	}
	return out, nil
}

// command runs an external step (build, push) without a shell; its output
// goes to stderr so stdout stays the report.
func (r *ciRun) command(stage string, argv []string) func(context.Context) (*finding.Result, error) {
	return func(ctx context.Context) (*finding.Result, error) {
		c, err := netguard.Command(ctx, argv)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", stage, err)
		}
		c.Stdout, c.Stderr = r.a.stdio.Err, r.a.stdio.Err
		if err := c.Run(); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", stage, strings.Join(argv, " "), err)
		}
		return nil, nil
	}
}

func (r *ciRun) lint(stdin io.Reader) func(context.Context) (*finding.Result, error) {
	return func(ctx context.Context) (*finding.Result, error) {
		opts := dockerfile.Options{TrustedRegistries: r.cfg.AllowedRegistries, AllowedBases: r.cfg.Policy.AllowedBases, Logger: r.a.log}
		hc, err := loadHadolintConfig(&lintOptions{}, r.cfg.Targets.Dockerfiles)
		if err != nil {
			return nil, err
		}
		if hc != nil {
			hc.Apply(&opts)
		}
		res, err := lintResult(ctx, stdin, r.cfg.Targets.Dockerfiles, opts)
		return &res, err
	}
}

func (r *ciRun) secrets(history bool) func(context.Context) (*finding.Result, error) {
	return func(ctx context.Context) (*finding.Result, error) {
		so := &secretsOptions{history: history, maxSizeMB: secrets.DefaultMaxFileSize >> 20}
		return r.a.runSecrets(ctx, r.cfg.Targets.Source, &outputOptions{}, so)
	}
}

func (r *ciRun) manifests() func(context.Context) (*finding.Result, error) {
	return func(ctx context.Context) (*finding.Result, error) {
		res, err := configResult(ctx, r.cfg.Targets.Manifests, scan.Options{
			PSS: k8s.PSSBaseline, AllowedRegistries: r.cfg.AllowedRegistries, Logger: r.a.log,
		})
		return &res, err
	}
}

func (r *ciRun) scan() func(context.Context) (*finding.Result, error) {
	return func(ctx context.Context) (*finding.Result, error) {
		r.mu.Lock()
		img := r.img
		r.mu.Unlock()
		s, err := r.o.db.open(ctx, r.a)
		if err != nil {
			return nil, fmt.Errorf("advisory database: %w (build one with `sluice db import` or `sluice db pull`)", err)
		}
		defer s.Close()
		res, err := scanInventory(ctx, r.a, s, img.inventory, img.target, scanOptions{db: r.o.db})
		return &res, err
	}
}

func (r *ciRun) verify() func(context.Context) (*finding.Result, error) {
	return func(ctx context.Context) (*finding.Result, error) {
		spec := sign.TrustPolicySpec{AllowUnmatched: r.cfg.Trust.AllowUnmatched}
		for _, tr := range r.cfg.Trust.Rules {
			spec.Rules = append(spec.Rules, sign.TrustRuleSpec{Name: tr.Name, Images: tr.Images, Keys: tr.Keys,
				Threshold: tr.Threshold, Annotations: tr.Annotations, Attestations: tr.Attestations})
		}
		if len(spec.Rules) == 0 {
			return nil, errors.New("verify: trust.rules is empty: name the keys that must have signed the image")
		}
		tp, err := spec.Compile(os.ReadFile)
		if err != nil {
			return nil, fmt.Errorf("trust: %w", err)
		}
		d, err := tp.Evaluate(ctx, r.target, r.o.reg.registry(r.a))
		if err != nil {
			return nil, err
		}
		res := &finding.Result{Target: finding.Target{Kind: "image", Name: r.target, Digest: d.Digest}}
		sig := policy.Signature{Key: strings.Join(d.Rules, ","), Verified: d.Pass}
		if !d.Pass {
			sig.Reason = strings.Join(d.Reasons, "; ")
			for _, reason := range d.Reasons {
				res.Findings = append(res.Findings, finding.Finding{Kind: finding.KindImage, Rule: "trust-policy",
					Severity: finding.SeverityCritical, Title: "Image not signed as the trust policy requires", Message: reason})
			}
		}
		r.mu.Lock()
		r.facts.Signatures = append(r.facts.Signatures, sig)
		r.mu.Unlock()
		return res, nil
	}
}

func (r *ciRun) sign() func(context.Context) (*finding.Result, error) {
	return func(ctx context.Context) (*finding.Result, error) {
		key, err := r.a.loadPrivateKey(r.cfg.Sign.Key)
		if err != nil {
			return nil, err
		}
		signed, err := sign.Sign(ctx, r.target, key, sign.SignOptions{Registry: r.o.reg.registry(r.a), Annotations: r.cfg.Sign.Annotations, Logger: r.a.log})
		if err != nil {
			return nil, err
		}
		res := &finding.Result{}
		for _, s := range signed {
			res.Notes = append(res.Notes, finding.Note{Level: finding.NoteInfo, Message: fmt.Sprintf("signed %s (%s)", s.Image, s.Format)})
		}
		return res, nil
	}
}

func (r *ciRun) promote() func(context.Context) (*finding.Result, error) {
	return func(ctx context.Context) (*finding.Result, error) {
		p := r.cfg.Promote
		rule := sign.TrustRule{Name: "promote", Images: []string{"**"}}
		for _, k := range p.Keys {
			pub, err := loadPublicKey(k)
			if err != nil {
				return nil, err
			}
			rule.Keys = append(rule.Keys, sign.TrustKey{Name: k, Key: pub})
		}
		out, err := sign.Promote(ctx, r.target, p.To, sign.PromoteOptions{Registry: r.o.reg.registry(r.a),
			Policy: &sign.TrustPolicy{Rules: []sign.TrustRule{rule}}, Force: p.Force, Logger: r.a.log})
		if err != nil {
			return nil, fmt.Errorf("promote %s to %s: %w", r.target, p.To, err)
		}
		return &finding.Result{Notes: []finding.Note{{Level: finding.NoteInfo,
			Message: fmt.Sprintf("promoted %s to %s", out.Source, out.Destination)}}}, nil
	}
}

// stageEvents prints one line per stage start and end on stderr (not with -q).
func (a *app) stageEvents() func(pipeline.Event) {
	return func(e pipeline.Event) {
		if a.quiet {
			return
		}
		if e.Started {
			fmt.Fprintf(a.stdio.Err, "sluice ci: %s: running\n", e.Stage)
			return
		}
		o := e.Outcome
		line := fmt.Sprintf("sluice ci: %s: %s", o.Stage, o.Status)
		if o.Status != pipeline.StatusSkipped {
			line += fmt.Sprintf(" in %s, %d findings", o.Duration.Round(time.Millisecond), o.Findings)
		}
		if o.Detail != "" {
			line += " (" + o.Detail + ")"
		}
		fmt.Fprintln(a.stdio.Err, line)
	}
}

// printStageSummary ends the run with the stages in order, on stderr.
func (a *app) printStageSummary(stages []pipeline.Outcome) {
	if a.quiet {
		return
	}
	fmt.Fprintln(a.stdio.Err, "sluice ci: stages:")
	for _, o := range stages {
		fmt.Fprintf(a.stdio.Err, "  %-8s %-7s %s\n", o.Stage, o.Status, o.Detail)
	}
}

// writeReports writes the findings to stdout (or -o) and to every --report.
func (a *app) writeReports(cmd *cobra.Command, o *ciOptions, res finding.Result, reports []ciReport) error {
	write := func(format string, w io.Writer, color bool) error {
		wr, err := report.New(format, report.Options{Color: color})
		if err != nil {
			return usageErrorf("%v", err)
		}
		return wr.Write(w, res)
	}
	if err := a.emit(cmd, &o.out, func(w io.Writer) error {
		return write(o.out.format, w, o.out.output == "" && a.colorEnabled(cmd.OutOrStdout()))
	}); err != nil {
		return err
	}
	for _, rep := range reports {
		if dir := filepath.Dir(rep.path); dir != "." {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
		}
		if err := atomicfile.Write(rep.path, 0o644, func(w io.Writer) error { return write(rep.format, w, false) }); err != nil {
			return fmt.Errorf("report %s: %w", rep.path, err)
		}
		a.log.Debug("report written", "format", rep.format, "file", rep.path)
	}
	if o.out.format != "table" || o.out.output != "" {
		a.printNotes(res.Notes)
	}
	return nil
}

// imageOutcome is what the image stage hands to scan.
type imageOutcome struct {
	inventory inventory.Inventory
	target    finding.Target
}

// image reads the image once (analyzeTarget): its packages for scan, the
// secrets in its layers, and its configuration and files for the audit
// checks. It records the facts the policy judges.
func (r *ciRun) image(cmd *cobra.Command) func(context.Context) (*finding.Result, error) {
	return func(ctx context.Context) (*finding.Result, error) {
		scanner, notes, err := r.a.imageSecretsScanner()
		if err != nil {
			return nil, err
		}
		ta, err := r.a.analyzeTarget(ctx, r.target, &r.o.image, analysisRequest{Packages: true, Secrets: scanner, Audit: true})
		if err != nil {
			return nil, err
		}
		res, err := auditImage(ctx, ta, audit.Options{AllowedRegistries: r.cfg.AllowedRegistries, RequiredLabels: r.cfg.RequiredLabels, Secrets: scanner})
		if err != nil {
			return nil, err
		}
		res.Findings = append(res.Findings, ta.Secrets...)
		res.Rules = append(res.Rules, scanner.Rules()...)
		res.Notes = append(notes, res.Notes...)
		r.mu.Lock()
		r.img = &imageOutcome{inventory: ta.Inventory, target: ta.Target}
		r.facts.Image = imageFacts(ta)
		r.facts.SBOM = sbomSummary(&ta.Inventory)
		r.mu.Unlock()
		return &res, nil
	}
}

// imageFacts describes the image for the policy: labels, user, base, age.
func imageFacts(ta *targetAnalysis) *policy.Image {
	pi := &policy.Image{Reference: ta.Target.Name, Digest: ta.Target.Digest}
	if ta.Audit != nil && ta.Audit.Config != nil {
		c := ta.Audit.Config
		pi.Labels, pi.User, pi.Created = c.Config.Labels, c.Config.User, c.Created.Time
		pi.Base = c.Config.Labels["org.opencontainers.image.base.name"]
		if b := ta.Audit.Annotations["org.opencontainers.image.base.name"]; b != "" {
			pi.Base = b
		}
	}
	return pi
}

// sbomSummary counts packages by type for the policy input.
func sbomSummary(inv *inventory.Inventory) *policy.SBOMSummary {
	s := &policy.SBOMSummary{Packages: len(inv.Packages), ByType: map[string]int{}}
	for _, p := range inv.Packages {
		s.ByType[p.Type]++
	}
	return s
}
