package report

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/sluice-dev/sluice/finding"
)

// prepare returns a normalized copy of r that writers may change freely:
// findings sorted with fingerprints, summary recomputed, and secret values in
// evidence redacted unless opts.ShowSecrets. The caller's slices are never
// reordered or modified.
func prepare(r finding.Result, opts Options) finding.Result {
	r.Findings = slices.Clone(r.Findings)
	r.Rules = slices.Clone(r.Rules)
	r.Notes = slices.Clone(r.Notes)
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Kind == finding.KindSecret && !opts.ShowSecrets && len(f.Evidence) > 0 {
			f.Evidence = slices.Clone(f.Evidence)
			for j := range f.Evidence {
				if secretEvidence[strings.ToLower(f.Evidence[j].Name)] {
					f.Evidence[j].Value = Redact(f.Evidence[j].Value)
				}
			}
		}
	}
	r.Normalize()
	return r
}

// secretEvidence are the evidence names of secret findings whose value is
// (part of) the secret itself.
var secretEvidence = map[string]bool{"secret": true, "match": true, "value": true}

// Redact shortens a secret to its first 4 characters followed by "…"
// (DESIGN.md §7), enough to recognise a key without leaking it. A value
// already redacted is returned unchanged, so redacting twice is harmless.
func Redact(s string) string {
	if strings.HasSuffix(s, "…") && utf8.RuneCountInString(s) <= 5 {
		return s
	}
	n := 0
	for i := range s {
		if n == 4 {
			return s[:i] + "…"
		}
		n++
	}
	if n < 4 {
		// Too short to show any of it safely.
		return "…"
	}
	return s + "…"
}

// rulesByID indexes the result's rules and adds a rule for every finding
// whose rule the result does not describe, so formats that need rule
// metadata (SARIF, JUnit) always have it. The order is the result's rules
// (sorted by ID) followed by synthesized ones in finding order.
func rulesByID(r finding.Result) ([]finding.Rule, map[string]int) {
	rules := slices.Clone(r.Rules)
	idx := make(map[string]int, len(rules))
	for i, ru := range rules {
		idx[ruleKey(ru.Kind, ru.ID)] = i
		if _, ok := idx[ruleKey("", ru.ID)]; !ok {
			idx[ruleKey("", ru.ID)] = i
		}
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		if _, ok := lookupRule(idx, f); ok {
			continue
		}
		title := f.Title
		if title == "" {
			title = f.Rule
		}
		idx[ruleKey(f.Kind, f.Rule)] = len(rules)
		rules = append(rules, finding.Rule{ID: f.Rule, Kind: f.Kind, Severity: f.Severity, Title: title})
	}
	return rules, idx
}

func ruleKey(k finding.Kind, id string) string { return string(k) + "\x00" + id }

func lookupRule(idx map[string]int, f *finding.Finding) (int, bool) {
	if i, ok := idx[ruleKey(f.Kind, f.Rule)]; ok {
		return i, true
	}
	i, ok := idx[ruleKey("", f.Rule)]
	return i, ok
}

// where renders a finding's location for people: path:line, the package
// for findings without a path, the layer and commit when known.
func where(f *finding.Finding) string {
	loc := f.Location.Path
	if f.Location.Line > 0 {
		loc = fmt.Sprintf("%s:%d", loc, f.Location.Line)
	}
	if loc == "" && f.Package != nil {
		loc = f.Package.Name
	}
	var extra []string
	if f.Location.Layer != "" {
		extra = append(extra, fmt.Sprintf("layer %d %s", f.Location.LayerIndex, shortDigest(f.Location.Layer)))
	}
	if f.Location.Deleted {
		extra = append(extra, "deleted in a later layer")
	}
	if f.Location.Commit != "" {
		extra = append(extra, "commit "+shortCommit(f.Location.Commit))
	}
	if len(extra) > 0 {
		if loc == "" {
			return strings.Join(extra, ", ")
		}
		loc += " (" + strings.Join(extra, ", ") + ")"
	}
	if loc == "" {
		return "(target)"
	}
	return loc
}

// shortDigest keeps the algorithm and 12 hex digits of a digest.
func shortDigest(d string) string {
	alg, hex, ok := strings.Cut(d, ":")
	if !ok {
		alg, hex = "", d
	}
	if len(hex) > 12 {
		hex = hex[:12]
	}
	if alg == "" {
		return hex
	}
	return alg + ":" + hex
}

func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

// kindsOf lists the kinds present in rules or findings, in report order.
func kindsOf(rules []finding.Rule, fs []finding.Finding) []finding.Kind {
	seen := map[finding.Kind]bool{}
	for _, ru := range rules {
		seen[ru.Kind] = true
	}
	for i := range fs {
		seen[fs[i].Kind] = true
	}
	var out []finding.Kind
	for _, k := range finding.Kinds() {
		if seen[k] {
			out = append(out, k)
			delete(seen, k)
		}
	}
	// Kinds this version does not know still render, after the known ones.
	var rest []finding.Kind
	for k := range seen {
		rest = append(rest, k)
	}
	slices.Sort(rest)
	return append(out, rest...)
}

// fixText lists fixed versions, or "" when there is no fix.
func fixText(f *finding.Finding) string {
	if f.Fix == nil || len(f.Fix.Versions) == 0 {
		return ""
	}
	return strings.Join(f.Fix.Versions, ", ")
}

// plural returns "1 finding" or "2 findings".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// summaryLine counts active findings per severity in one sentence.
func summaryLine(s finding.Summary) string {
	var parts []string
	for _, sev := range finding.Severities() {
		if n := s.Count(sev); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, sev))
		}
	}
	line := plural(s.Total(), "finding")
	if len(parts) > 0 {
		line += ": " + strings.Join(parts, ", ")
	}
	if s.Suppressed > 0 {
		line += fmt.Sprintf(" (%d suppressed)", s.Suppressed)
	}
	return line
}
