package rules

import (
	"fmt"
	"strings"

	"github.com/sluice-dev/sluice/secrets"
)

// Markdown renders the rule list of docs/rules/secrets.md.
func Markdown(rs []secrets.Rule) string {
	var b strings.Builder
	b.WriteString("# Secret rules\n\n")
	b.WriteString("Generated from `secrets/rules` by `go test ./secrets/rules -update`; do not edit.\n\n")
	b.WriteString("Every rule runs only on files containing one of its keywords (case-insensitive). ")
	b.WriteString("Secrets are never verified against their provider: sluice makes no network calls.\n\n")
	b.WriteString("| ID | Severity | Description | Keywords | Entropy > |\n|---|---|---|---|---|\n")
	for _, r := range rs {
		ent := "-"
		if r.Entropy > 0 {
			ent = fmt.Sprintf("%.1f", r.Entropy)
		}
		kw := make([]string, len(r.Keywords))
		for i, k := range r.Keywords {
			kw[i] = "`" + k + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", r.ID, r.Severity, r.Description, strings.Join(kw, " "), ent)
	}
	b.WriteString("\nA finding in a file deleted by a later image layer is reported at least high.\n")
	b.WriteString("\nFiles never scanned (global allowlists):\n\n")
	for _, a := range Allowlists() {
		fmt.Fprintf(&b, "- %s: ", a.Description)
		for i, p := range a.Paths {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "`%s`", p)
		}
		b.WriteString("\n")
	}
	return b.String()
}
