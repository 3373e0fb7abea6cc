package dockerfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"

	"github.com/sluice-dev/sluice/finding"
)

// Rule is one lint rule: plain data plus a check. Rules are listed in
// dockerfile/rules and passed to Lint by the caller.
type Rule struct {
	// ID is the stable identifier: DLxxxx (hadolint's IDs and meanings) or SLxxxx.
	ID string
	// Version changes whenever the rule's behaviour changes.
	Version int
	// Title is the one-line description.
	Title string
	// Severity is the default severity.
	Severity finding.Severity
	// Upstream is hadolint's default severity name for DL rules (error,
	// warning, info, style, ignore); empty for sluice's own rules.
	Upstream string
	// Off rules run only when enabled (Options.Enable or a severity
	// override), as hadolint's "ignore"-severity rules do.
	Off bool
	// Strict rules run only with Options.Strict (or Options.Enable).
	Strict bool
	// Why is the rationale; Bad and Good are Dockerfile examples.
	Why, Bad, Good string
	// Check inspects a parsed file and reports through the pass.
	Check func(p *Pass)
}

// Meta returns the rule's description for reports (SARIF, JUnit).
func (r *Rule) Meta() finding.Rule {
	help := r.Why
	if r.Bad != "" {
		help += "\n\nBad:\n\n```dockerfile\n" + strings.TrimRight(r.Bad, "\n") + "\n```"
	}
	if r.Good != "" {
		help += "\n\nGood:\n\n```dockerfile\n" + strings.TrimRight(r.Good, "\n") + "\n```"
	}
	return finding.Rule{ID: r.ID, Kind: finding.KindLint, Severity: r.Severity, Title: r.Title, Help: help,
		HelpURI: "https://github.com/sluice-dev/sluice/blob/main/docs/rules/" + r.ID + ".md"}
}

// FromHadolint maps hadolint's severities onto ours: error is high, warning
// medium, info low and style info. "ignore" (and anything unknown) gives ok false.
func FromHadolint(s string) (sev finding.Severity, ok bool) {
	switch strings.ToLower(s) {
	case "error":
		return finding.SeverityHigh, true
	case "warning":
		return finding.SeverityMedium, true
	case "info":
		return finding.SeverityLow, true
	case "style":
		return finding.SeverityInfo, true
	}
	return finding.SeverityUnknown, false
}

// Options tune a lint run. The zero value lints with every default rule.
type Options struct {
	// Ignore lists rule IDs that do not run at all.
	Ignore []string
	// Enable lists off-by-default rules to run (DL3057, SL1006, ...).
	Enable []string
	// Override sets the severity of rules by ID; overriding an
	// off-by-default rule enables it.
	Override map[string]finding.Severity
	// Strict enables the strict rules (base image pinned by digest).
	Strict bool
	// TrustedRegistries are the registries FROM may use (DL3026, SL1007);
	// empty means any.
	TrustedRegistries []string
	// LabelSchema maps required label names to their type: text, url,
	// hash, rfc3339, semver, spdx, email (DL3049-DL3058).
	LabelSchema map[string]string
	// StrictLabels reports labels not in LabelSchema (DL3050).
	StrictLabels bool
	// AllowedBases are image patterns (path.Match syntax, e.g.
	// "docker.io/library/*") the base images must match (SL1007); empty
	// means any.
	AllowedBases []string
	// NoInlinePragmas ignores the pragmas in files (hadolint's
	// disable-ignore-pragma).
	NoInlinePragmas bool
	// MaxFileSize bounds one Dockerfile (MaxFileSize when 0).
	MaxFileSize int64
	// Logger receives debug messages; nil discards them.
	Logger *slog.Logger
}

// Enabled reports whether rule r runs under these options.
func (o *Options) Enabled(r *Rule) bool {
	if containsFold(o.Ignore, r.ID) {
		return false
	}
	if containsFold(o.Enable, r.ID) {
		return true
	}
	if _, ok := o.Override[r.ID]; ok && (r.Off || r.Strict) {
		return true
	}
	if r.Strict {
		return o.Strict
	}
	return !r.Off
}

// SeverityOf returns the effective severity of r.
func (o *Options) SeverityOf(r *Rule) finding.Severity {
	if s, ok := o.Override[r.ID]; ok {
		return s
	}
	return r.Severity
}

func containsFold(list []string, id string) bool {
	return slices.ContainsFunc(list, func(s string) bool { return strings.EqualFold(strings.TrimSpace(s), id) })
}

// Pass is what a rule's check sees: the file, the options, and Report.
type Pass struct {
	File *File
	Opts *Options
	rule *Rule
	sev  finding.Severity
	out  []finding.Finding
}

// Report records a finding on instruction in.
func (p *Pass) Report(in *Instruction, format string, args ...any) {
	p.ReportLines(in.StartLine, in.EndLine, format, args...)
}

// ReportAt records a finding at one line (0 for the whole file).
func (p *Pass) ReportAt(line int, format string, args ...any) {
	p.ReportLines(line, line, format, args...)
}

// ReportLines records a finding over a line range.
func (p *Pass) ReportLines(start, end int, format string, args ...any) {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	loc := finding.Location{Path: p.File.Path, Line: start}
	if end > start {
		loc.EndLine = end
	}
	p.out = append(p.out, finding.Finding{
		Kind: finding.KindLint, Rule: p.rule.ID, Severity: p.sev, Title: p.rule.Title, Message: msg,
		Location: loc, SeveritySource: "rule",
	})
}

// ParseErrorID is the rule ID of a file that does not parse.
const ParseErrorID = "DL1000"

// Lint runs the enabled rules over a parsed file, then applies the file's
// pragmas: suppressed findings are kept with a Suppression of kind "inline".
func Lint(ctx context.Context, f *File, rules []Rule, opts Options) ([]finding.Finding, error) {
	var out []finding.Finding
	for i := range rules {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r := &rules[i]
		if r.Check == nil || !opts.Enabled(r) {
			continue
		}
		p := &Pass{File: f, Opts: &opts, rule: r, sev: opts.SeverityOf(r)}
		if err := runCheck(r, p); err != nil {
			if opts.Logger != nil {
				opts.Logger.Debug("lint rule failed", "rule", r.ID, "file", f.Path, "err", err)
			}
			continue
		}
		out = append(out, p.out...)
	}
	if !opts.NoInlinePragmas {
		applyPragmas(f, out)
	}
	return out, nil
}

// runCheck runs one rule; a bug in a rule must not abort the whole run.
func runCheck(r *Rule, p *Pass) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("rule %s panicked: %v", r.ID, v)
		}
	}()
	r.Check(p)
	return nil
}

func applyPragmas(f *File, fs []finding.Finding) {
	for i := range fs {
		fd := &fs[i]
		for j := range f.Pragmas {
			pr := &f.Pragmas[j]
			if !pr.Covers(fd.Rule, fd.Location.Line) {
				continue
			}
			reason := pr.Reason
			if reason == "" {
				reason = "# " + string(pr.Kind) + " ignore pragma"
			}
			fd.Suppressed = &finding.Suppression{Kind: "inline", Reason: reason, Source: fmt.Sprintf("%s:%d", f.Path, pr.Line)}
			break
		}
	}
}

// LintReader parses and lints one Dockerfile. A file that does not parse
// gives a DL1000 finding at its line (severity from the DL1000 rule when it
// is in rules, high otherwise), not an error; errors are for reads that fail.
func LintReader(ctx context.Context, name string, r io.Reader, rules []Rule, opts Options) ([]finding.Finding, error) {
	f, err := Parse(name, r, opts.MaxFileSize)
	if err != nil {
		var pe *ParseError
		if !errors.As(err, &pe) {
			return nil, err
		}
		return []finding.Finding{parseErrorFinding(pe, rules, &opts)}, nil
	}
	return Lint(ctx, f, rules, opts)
}

func parseErrorFinding(pe *ParseError, rules []Rule, opts *Options) finding.Finding {
	fd := finding.Finding{
		Kind: finding.KindLint, Rule: ParseErrorID, Severity: finding.SeverityHigh,
		Title: "Dockerfile does not parse", Message: pe.Msg,
		Location: finding.Location{Path: pe.Path, Line: pe.Line}, SeveritySource: "rule",
	}
	for i := range rules {
		if rules[i].ID == ParseErrorID {
			fd.Title = rules[i].Title
			fd.Severity = opts.SeverityOf(&rules[i])
		}
	}
	return fd
}
