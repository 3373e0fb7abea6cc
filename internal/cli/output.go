package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/internal/atomicfile"
	"github.com/sluice-dev/sluice/policy/exception"
	"github.com/sluice-dev/sluice/report"
)

// outputOptions are the flags every reporting command shares.
type outputOptions struct {
	format      string
	output      string
	failOn      string
	showSecrets bool
	exceptions  string
	formats     []string // accepted by this command
}

// addOutputFlags registers -f/--format, -o/--output and --fail-on.
// formats lists the formats this command accepts; the first is the default.
func addOutputFlags(cmd *cobra.Command, o *outputOptions, formats ...string) {
	o.formats = formats
	f := cmd.Flags()
	f.StringVarP(&o.format, "format", "f", formats[0], "output format: "+strings.Join(formats, "|"))
	f.StringVarP(&o.output, "output", "o", "", "write the report to FILE (atomically) instead of stdout")
	f.StringVar(&o.failOn, "fail-on", "", "exit 1 when a finding is at or above SEVERITY (critical|high|medium|low|info|unknown)")
	f.StringVar(&o.exceptions, "exceptions", exception.DefaultFile, "exceptions ledger: accepted findings with reason, owner and expiry")
}

// findingFormats is every report format, table first (the default): the
// formats of each command whose result is a list of findings.
func findingFormats() []string {
	return append([]string{"table"}, slices.DeleteFunc(report.Formats(), func(f string) bool { return f == "table" })...)
}

// failThreshold parses --fail-on; ok is false when it is not set.
func (o *outputOptions) failThreshold() (sev finding.Severity, ok bool, err error) {
	if o.failOn == "" {
		return 0, false, nil
	}
	sev, err = parseSeverityFlag("--fail-on", o.failOn)
	return sev, err == nil, err
}

// parseSeverityFlag parses a severity given to a flag, as a usage error.
func parseSeverityFlag(flag, v string) (finding.Severity, error) {
	sev, err := finding.ParseSeverity(v)
	if err != nil {
		return 0, usageErrorf("%s: %v", flag, err)
	}
	return sev, nil
}

// validate checks the flags before any work is done, so a typo fails fast.
func (o *outputOptions) validate() error {
	if !slices.Contains(o.formats, o.format) {
		return usageErrorf("--format %q: want one of %s", o.format, strings.Join(o.formats, ", "))
	}
	_, _, err := o.failThreshold()
	return err
}

// emit writes a report to stdout or -o FILE (atomically).
func (a *app) emit(cmd *cobra.Command, o *outputOptions, write func(io.Writer) error) error {
	if o.output == "" || o.output == "-" {
		return write(cmd.OutOrStdout())
	}
	return atomicfile.Write(o.output, 0o644, write)
}

// writeResult renders a result in the chosen format, decides the exit code
// from --fail-on, and records the decision in the result.
func (a *app) writeResult(cmd *cobra.Command, o *outputOptions, res finding.Result) error {
	return a.render(cmd, o, res, false)
}

// render writes res and decides the exit code from --fail-on. For a fresh
// result the run passes unless --fail-on finds something (reasons already in
// the result are kept). With keepDecision (report convert) the saved
// decision is kept, unless --fail-on is given: then it is made again.
func (a *app) render(cmd *cobra.Command, o *outputOptions, res finding.Result, keepDecision bool) error {
	if err := o.validate(); err != nil {
		return err
	}
	if res.Tool.Name == "" {
		res.Tool = finding.Tool{Name: "sluice", Version: readBuildInfo().Version}
	}
	ledger, err := exception.Load(o.exceptions, !flagChanged(cmd.Flags(), "exceptions"))
	if err != nil {
		return err
	}
	if !keepDecision {
		applyRuleSettings(&res, a.cfg)
	}
	ledger.Apply(&res, time.Now())
	res.Normalize()
	sev, set, _ := o.failThreshold()
	switch {
	case keepDecision && !set:
		// A converted report shows the verdict it was saved with.
	case keepDecision:
		res.Decision = finding.Decision{Pass: true, Reasons: []string{}}
	default:
		res.Decision.Pass = true
	}
	if set {
		for i := range res.Findings {
			f := &res.Findings[i]
			if f.Active() && f.Severity >= sev {
				res.Decision.Pass = false
				res.Decision.Reasons = append(res.Decision.Reasons,
					fmt.Sprintf("%s %s at %s is %s (--fail-on %s)", f.Kind, f.Rule, describeLocation(f), f.Severity, sev))
			}
		}
	}
	w, err := report.New(o.format, report.Options{
		Color:       o.output == "" && a.colorEnabled(cmd.OutOrStdout()),
		ShowSecrets: o.showSecrets,
		Notify: func(n finding.Note) {
			if !a.quiet {
				fmt.Fprintf(a.stdio.Err, "sluice: %s: %s\n", n.Level, n.Message)
			}
		},
	})
	if err != nil {
		return usageErrorf("%v", err)
	}
	if err := a.emit(cmd, o, func(out io.Writer) error { return w.Write(out, res) }); err != nil {
		return err
	}
	if o.format != "table" || o.output != "" {
		a.printNotes(res.Notes)
	}
	if set && !res.Decision.Pass {
		return errFailed
	}
	return nil
}

// describeLocation renders a finding's location for one-line messages. A
// package finding names the package first: several packages come from one
// database file (lib/apk/db/installed), which alone would not tell them apart.
func describeLocation(f *finding.Finding) string {
	loc := f.Location.Path
	if f.Location.Line > 0 {
		loc = fmt.Sprintf("%s:%d", loc, f.Location.Line)
	}
	if f.Package != nil {
		pkg := f.Package.Name + "@" + f.Package.Version
		if loc == "" {
			return pkg
		}
		return pkg + " (" + loc + ")"
	}
	if loc == "" {
		loc = "(target)"
	}
	return loc
}

// printNotes shows notes about the run on stderr when the report itself does
// not (machine formats, or a table written to a file). -q keeps only errors.
func (a *app) printNotes(notes []finding.Note) {
	for _, n := range notes {
		if a.quiet && n.Level != finding.NoteError {
			continue
		}
		fmt.Fprintf(a.stdio.Err, "sluice: %s: %s\n", n.Level, n.Message)
	}
}
