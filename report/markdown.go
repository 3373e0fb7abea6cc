package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/sluice-dev/sluice/finding"
)

// markdownWriter renders a summary for a merge-request or pull-request
// comment: the verdict, a table of counts per severity, the most severe
// findings, then every active finding per kind in collapsible <details>.
// The whole comment stays under markdownMax characters (GitHub rejects
// comments over 65,536); when the details do not fit they are cut with a
// line that says so.
type markdownWriter struct{ opts Options }

var _ Writer = markdownWriter{}

const (
	markdownTop = 10
	markdownMax = 60_000
)

func (mw markdownWriter) Write(w io.Writer, r finding.Result) error {
	r = prepare(r, mw.opts)
	var b strings.Builder
	verdict := "✅ sluice: no findings"
	switch {
	case !r.Decision.Pass && len(r.Decision.Reasons) > 0:
		verdict = "❌ sluice: failed"
	case r.Summary.Total() > 0:
		verdict = "⚠️ sluice: " + plural(r.Summary.Total(), "finding")
	}
	fmt.Fprintf(&b, "### %s\n\n", verdict)
	if r.Target.Name != "" {
		fmt.Fprintf(&b, "Target: %s `%s`", mdText(r.Target.Kind), mdCode(r.Target.Name))
		if r.Target.Digest != "" {
			fmt.Fprintf(&b, " (`%s`)", mdCode(r.Target.Digest))
		}
		b.WriteString("\n\n")
	}
	b.WriteString("| Severity | Count |\n|---|---:|\n")
	for _, sev := range finding.Severities() {
		fmt.Fprintf(&b, "| %s | %d |\n", sev, r.Summary.Count(sev))
	}
	if r.Summary.Suppressed > 0 {
		fmt.Fprintf(&b, "| suppressed | %d |\n", r.Summary.Suppressed)
	}
	b.WriteString("\n")
	if len(r.Decision.Reasons) > 0 && !r.Decision.Pass {
		b.WriteString("**Failed because:**\n\n")
		for _, reason := range r.Decision.Reasons {
			fmt.Fprintf(&b, "- %s\n", mdText(reason))
		}
		b.WriteString("\n")
	}
	var active []*finding.Finding
	for i := range r.Findings {
		if r.Findings[i].Active() {
			active = append(active, &r.Findings[i])
		}
	}
	if len(active) > 0 {
		n := min(len(active), markdownTop)
		fmt.Fprintf(&b, "#### Top %s\n\n", plural(n, "finding"))
		writeMarkdownTable(&b, active[:n])
		b.WriteString("\n")
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "> **%s:** %s\n", n.Level, mdText(n.Message))
	}
	if len(r.Notes) > 0 {
		b.WriteString("\n")
	}
	head := b.String()
	b.Reset()
	for _, kind := range kindsOf(nil, r.Findings) {
		var fs []*finding.Finding
		for _, f := range active {
			if f.Kind == kind {
				fs = append(fs, f)
			}
		}
		if len(fs) == 0 {
			continue
		}
		fmt.Fprintf(&b, "<details><summary>%s (%d)</summary>\n\n", kindTitle(kind), len(fs))
		writeMarkdownTable(&b, fs)
		b.WriteString("\n</details>\n\n")
	}
	details := b.String()
	if len(head)+len(details) > markdownMax {
		cut := "\n_Details cut to fit a comment: the full list is in the JSON or SARIF report._\n"
		budget := max(markdownMax-len(head)-len(cut), 0)
		// Cut at a line end, then close any open <details>.
		if i := strings.LastIndex(details[:min(budget, len(details))], "\n"); i >= 0 {
			details = details[:i+1]
		} else {
			details = ""
		}
		if strings.Count(details, "<details>") > strings.Count(details, "</details>") {
			details += "\n</details>\n"
		}
		details += cut
		mw.opts.notify(finding.Note{Level: finding.NoteInfo, Message: "markdown details cut to fit a merge-request comment"})
	}
	_, err := io.WriteString(w, head+details)
	return err
}

func writeMarkdownTable(b *strings.Builder, fs []*finding.Finding) {
	b.WriteString("| Severity | Kind | Rule | Location | Title |\n|---|---|---|---|---|\n")
	for _, f := range fs {
		title := f.Title
		if title == "" {
			title = f.Message
		}
		if f.Package != nil && f.Kind == finding.KindVuln {
			title += fmt.Sprintf(" (%s %s", f.Package.Name, f.Package.Version)
			if fix := fixText(f); fix != "" {
				title += ", fixed in " + fix
			}
			title += ")"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", f.Severity, f.Kind, mdRule(f), mdText(where(f)), mdText(title))
	}
}

// mdRule links the rule to its first reference when it has one.
func mdRule(f *finding.Finding) string {
	id := "`" + mdCode(f.Rule) + "`"
	for _, ref := range f.References {
		if strings.HasPrefix(ref, "https://") {
			return "[" + id + "](" + strings.NewReplacer("(", "%28", ")", "%29", " ", "%20").Replace(ref) + ")"
		}
	}
	return id
}

// mdText escapes text for a Markdown table cell: no line breaks, no pipes,
// and no HTML or Markdown markup from hostile input.
var mdEscaper = strings.NewReplacer(
	"\r", " ", "\n", " ", "|", "\\|", "<", "&lt;", ">", "&gt;", "&", "&amp;",
	"`", "\\`", "*", "\\*", "_", "\\_", "[", "\\[", "]", "\\]",
)

func mdText(s string) string { return mdEscaper.Replace(cell(s)) }

// mdCode keeps text inside a code span intact but unable to end it.
func mdCode(s string) string {
	return strings.NewReplacer("`", "'", "|", "\\|").Replace(cell(s))
}
