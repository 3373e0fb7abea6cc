package manifest

import (
	"fmt"
	"strings"

	"github.com/sluice-dev/sluice/finding"
)

// Rule is what every configuration check is: plain data, from which findings,
// SARIF rule metadata and the docs/rules pages are made. Platform packages
// pair it with the function that runs the check.
type Rule struct {
	ID       string           // stable: K8S001, ECS004, DC002, pss:privileged
	Version  int              // bumped when behaviour changes
	Severity finding.Severity // of every finding of the rule
	Title    string           // one line, what is wrong
	// Help is the rationale and the remedy, in Markdown.
	Help string
	// Strict rules run only when Options.Strict is set (digest pinning).
	Strict bool
	// Registries rules run only when a list of allowed registries is given.
	Registries bool
}

// Enabled reports whether the rule runs given the strict switch and the
// number of allowed registries.
func (r *Rule) Enabled(strict bool, registries int) bool {
	return (!r.Strict || strict) && (!r.Registries || registries > 0)
}

// Meta is the rule as listed in a report's Rules.
func (r *Rule) Meta() finding.Rule {
	return finding.Rule{ID: r.ID, Kind: finding.KindConfig, Severity: r.Severity, Title: r.Title, Help: r.Help}
}

// Finding makes a finding of this rule at path:line.
func (r *Rule) Finding(path string, line int, message string) finding.Finding {
	return finding.Finding{
		Kind:           finding.KindConfig,
		Rule:           r.ID,
		Severity:       r.Severity,
		Title:          r.Title,
		Message:        message,
		Location:       finding.Location{Path: path, Line: line},
		SeveritySource: "rule",
	}
}

// Markdown renders the rule's reference page (docs/rules/<platform>/<ID>.md).
func (r *Rule) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: %s\n\n", r.ID, r.Title)
	fmt.Fprintf(&b, "- Severity: **%s**\n", r.Severity)
	fmt.Fprintf(&b, "- Version: %d\n", r.Version)
	if r.Strict {
		b.WriteString("- Runs only with `--strict`\n")
	}
	if r.Registries {
		b.WriteString("- Runs only when allowed registries are given (`--allowed-registry`)\n")
	}
	b.WriteString("\n")
	b.WriteString(strings.TrimSpace(r.Help))
	b.WriteString("\n")
	return b.String()
}
