package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/sluice-dev/sluice/finding"
)

// tableWriter renders a result for people at a terminal: one aligned table
// per kind, most severe first, then a summary line and the run's notes.
// Suppressed findings are counted in the summary but not listed.
type tableWriter struct{ opts Options }

var _ Writer = tableWriter{}

// sevColors are ANSI colours of equal byte length, so every coloured cell
// of the severity column carries the same invisible overhead and
// text/tabwriter keeps the columns aligned.
var sevColors = map[finding.Severity]string{
	finding.SeverityCritical: "\x1b[91m", // bright red
	finding.SeverityHigh:     "\x1b[31m", // red
	finding.SeverityMedium:   "\x1b[33m", // yellow
	finding.SeverityLow:      "\x1b[34m", // blue
	finding.SeverityInfo:     "\x1b[36m", // cyan
	finding.SeverityUnknown:  "\x1b[37m", // grey
}

const (
	ansiBold  = "\x1b[01m" // same length as the colours above
	ansiReset = "\x1b[0m"
)

func (tw tableWriter) Write(w io.Writer, r finding.Result) error {
	r = prepare(r, tw.opts)
	bw := bufio.NewWriter(w)
	target := r.Target.Name
	if r.Target.Kind != "" {
		target = r.Target.Kind + " " + target
	}
	if target != "" {
		fmt.Fprintf(bw, "%s\n", strings.TrimSpace(target))
		if r.Target.Digest != "" {
			fmt.Fprintf(bw, "digest %s\n", r.Target.Digest)
		}
		fmt.Fprintln(bw)
	}
	for _, kind := range kindsOf(nil, r.Findings) {
		var active []*finding.Finding
		for i := range r.Findings {
			if f := &r.Findings[i]; f.Kind == kind && f.Active() {
				active = append(active, f)
			}
		}
		if len(active) == 0 {
			continue
		}
		fmt.Fprintf(bw, "%s\n", tw.bold(fmt.Sprintf("%s (%d)", kindTitle(kind), len(active))))
		t := tabwriter.NewWriter(bw, 0, 4, 2, ' ', 0)
		if kind == finding.KindVuln {
			fmt.Fprintf(t, "%s\tRULE\tPACKAGE\tINSTALLED\tFIXED\tLOCATION\tTITLE\n", tw.header("SEVERITY"))
		} else {
			fmt.Fprintf(t, "%s\tRULE\tLOCATION\tMESSAGE\n", tw.header("SEVERITY"))
		}
		for _, f := range active {
			if kind == finding.KindVuln {
				name, version := "", ""
				if f.Package != nil {
					name, version = f.Package.Name, f.Package.Version
				}
				fmt.Fprintf(t, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", tw.severity(f.Severity), cell(f.Rule), cell(name),
					cell(version), cell(fixText(f)), cell(where(f)), cell(f.Title))
				continue
			}
			msg := f.Message
			if msg == "" {
				msg = f.Title
			}
			fmt.Fprintf(t, "%s\t%s\t%s\t%s\n", tw.severity(f.Severity), cell(f.Rule), cell(where(f)), cell(msg))
		}
		if err := t.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(bw)
	}
	fmt.Fprintln(bw, summaryLine(r.Summary))
	// The verdict is shown when a decision failed the run, with its reasons.
	if !r.Decision.Pass && len(r.Decision.Reasons) > 0 {
		fmt.Fprintf(bw, "%s\n", tw.bold("FAIL"))
		for _, reason := range r.Decision.Reasons {
			fmt.Fprintf(bw, "  - %s\n", cell(reason))
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(bw, "%s: %s\n", n.Level, cell(n.Message))
	}
	return bw.Flush()
}

// cell makes a value safe for one table cell: no tabs or newlines, and no
// terminal control characters from hostile input.
func cell(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return -1
		}
		return r
	}, s)
}

func (tw tableWriter) severity(s finding.Severity) string {
	name := fmt.Sprintf("%-8s", s)
	if !tw.opts.Color {
		return name
	}
	return sevColors[s] + name + ansiReset
}

func (tw tableWriter) header(s string) string {
	name := fmt.Sprintf("%-8s", s)
	if !tw.opts.Color {
		return name
	}
	return ansiBold + name + ansiReset
}

func (tw tableWriter) bold(s string) string {
	if !tw.opts.Color {
		return s
	}
	return ansiBold + s + ansiReset
}

// kindTitle names a kind in headings.
func kindTitle(k finding.Kind) string {
	switch k {
	case finding.KindVuln:
		return "Vulnerabilities"
	case finding.KindSecret:
		return "Secrets"
	case finding.KindLint:
		return "Dockerfile"
	case finding.KindConfig:
		return "Configuration"
	case finding.KindImage:
		return "Image"
	}
	return string(k)
}
