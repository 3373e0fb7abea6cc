package rules_test

import (
	"fmt"
	"github.com/sluice-dev/sluice/internal/testutil"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/dockerfile/rules"
)

const docsDir = "../../docs/rules"

const generated = "<!-- Generated from dockerfile/rules by TestRuleDocs: do not edit; run `go test ./dockerfile/rules -update`. -->\n\n"

func enabledText(r *dockerfile.Rule) string {
	switch {
	case r.Strict:
		return "with `--strict` (or `--enable " + r.ID + "`)"
	case r.Off:
		return "off by default: `--enable " + r.ID + "`, or a severity override in .hadolint.yaml"
	default:
		return "by default"
	}
}

func severityText(r *dockerfile.Rule) string {
	s := r.Severity.String()
	if r.Upstream != "" {
		s += " (hadolint: " + r.Upstream + ")"
	}
	return s
}

func rulePage(r *dockerfile.Rule) string {
	var b strings.Builder
	b.WriteString(generated)
	fmt.Fprintf(&b, "# %s: %s\n\n", r.ID, strings.TrimSuffix(r.Title, "."))
	fmt.Fprintf(&b, "| | |\n|---|---|\n| Severity | %s |\n| Runs | %s |\n| Version | %d |\n\n", severityText(r), enabledText(r), r.Version)
	fmt.Fprintf(&b, "## Why\n\n%s\n\n", r.Why)
	fmt.Fprintf(&b, "## Bad\n\n```dockerfile\n%s\n```\n\n", strings.TrimRight(r.Bad, "\n"))
	fmt.Fprintf(&b, "## Good\n\n```dockerfile\n%s\n```\n\n", strings.TrimRight(r.Good, "\n"))
	fmt.Fprintf(&b, "## Silencing it\n\nOn the line above the instruction: `# sluice:ignore %s <reason>`", r.ID)
	if strings.HasPrefix(r.ID, "DL") {
		fmt.Fprintf(&b, " or `# hadolint ignore=%s`", r.ID)
	}
	fmt.Fprintf(&b, ". For a whole file: `# hadolint global ignore=%s`. Everywhere: `--ignore %s`, `ignored: [%s]` in .hadolint.yaml or `lint.ignore` in .sluice.yaml.\n", r.ID, r.ID, r.ID)
	return b.String()
}

func indexPage(all []dockerfile.Rule) string {
	var b strings.Builder
	b.WriteString(generated)
	b.WriteString("# Dockerfile lint rules\n\n")
	b.WriteString("`sluice lint` runs hadolint's DL rules (same IDs, meanings and default severities) and sluice's SL security rules. ")
	b.WriteString("Severities map from hadolint's as error → high, warning → medium, info → low, style → info; hadolint's \"ignore\" rules are off until enabled. See [docs/lint.md](../lint.md).\n\n")
	b.WriteString("| Rule | Severity | Runs | Title |\n|---|---|---|---|\n")
	for i := range all {
		r := &all[i]
		runs := "default"
		if r.Strict {
			runs = "--strict"
		} else if r.Off {
			runs = "off"
		}
		fmt.Fprintf(&b, "| [%s](%s.md) | %s | %s | %s |\n", r.ID, r.ID, severityText(r), runs, strings.ReplaceAll(r.Title, "|", `\|`))
	}
	return b.String()
}

var ruleFile = regexp.MustCompile(`^(DL|SL)\d+\.md$`)

// TestRuleDocs keeps docs/rules in step with the rule values.
func TestRuleDocs(t *testing.T) {
	all := rules.All()
	want := map[string]string{"README.md": indexPage(all)}
	for i := range all {
		want[all[i].ID+".md"] = rulePage(&all[i])
	}
	if testutil.Update() {
		if err := os.MkdirAll(docsDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, text := range want {
			if err := os.WriteFile(filepath.Join(docsDir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	ents, _ := os.ReadDir(docsDir)
	for _, e := range ents {
		// docs/rules holds other engines' pages too: only DL/SL pages are ours.
		if !ruleFile.MatchString(e.Name()) {
			continue
		}
		if _, ok := want[e.Name()]; !ok {
			t.Errorf("docs/rules/%s has no rule: delete it", e.Name())
		}
	}
	for name, text := range want {
		got, err := os.ReadFile(filepath.Join(docsDir, name))
		if err != nil {
			t.Errorf("docs/rules/%s missing: run go test ./dockerfile/rules -update", name)
			continue
		}
		if diff := cmp.Diff(text, string(got)); diff != "" {
			t.Errorf("docs/rules/%s is stale (-want +got), run go test ./dockerfile/rules -update:\n%s", name, diff)
		}
	}
}
