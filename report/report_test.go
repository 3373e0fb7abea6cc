package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/internal/testutil"
)

// scanTime fixes the time formats record, so golden files are stable.
var scanTime = time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC)

// fixture is one realistic result covering every kind: vulnerabilities in
// an image (distro and Go packages, one suppressed by VEX), secrets in a
// deleted layer file and in git history, Dockerfile lint, Kubernetes checks
// (one suppressed by the ignore file), image audit findings, rules that
// found nothing, notes and a failed decision.
func fixture(t testing.TB) finding.Result {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r finding.Result
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("testdata/result.json: %v", err)
	}
	return r
}

func goldenExt(format string) string {
	switch {
	case format == "table":
		return ".txt"
	case format == "sarif":
		return ".sarif"
	case format == "junit":
		return ".xml"
	case format == "markdown":
		return ".md"
	}
	return ".json"
}

func render(t testing.TB, format string, opts Options, r finding.Result) []byte {
	t.Helper()
	if opts.Time.IsZero() {
		opts.Time = scanTime
	}
	w, err := New(format, opts)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := w.Write(&buf, r); err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			testutil.Golden(t, format+goldenExt(format), render(t, format, Options{}, fixture(t)))
		})
	}
	t.Run("table-color", func(t *testing.T) {
		testutil.Golden(t, "table-color.txt", render(t, "table", Options{Color: true}, fixture(t)))
	})
	t.Run("empty", func(t *testing.T) {
		empty := finding.Result{Target: finding.Target{Kind: "dir", Name: "."}, Decision: finding.Decision{Pass: true}}
		for _, format := range []string{"table", "markdown", "junit", "sarif"} {
			testutil.Golden(t, "empty-"+format+goldenExt(format), render(t, format, Options{}, empty))
		}
	})
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// TestTableColorAligned checks colour changes nothing but the colour: with
// escapes removed, the coloured table is the plain one, columns included.
func TestTableColorAligned(t *testing.T) {
	plain := render(t, "table", Options{}, fixture(t))
	color := render(t, "table", Options{Color: true}, fixture(t))
	if !bytes.Contains(color, []byte("\x1b[91m")) {
		t.Fatal("coloured table has no colour")
	}
	if diff := cmp.Diff(string(plain), ansi.ReplaceAllString(string(color), "")); diff != "" {
		t.Errorf("coloured table without escapes differs from the plain one (-plain +color):\n%s", diff)
	}
}

func TestTableListsActiveOnly(t *testing.T) {
	out := string(render(t, "table", Options{}, fixture(t)))
	for _, want := range []string{"CVE-2023-38545", "aws-access-token", "DL3008", "pss:privileged", "image:root-user",
		"10 findings: 2 critical, 4 high, 3 medium, 1 low (2 suppressed)",
		"warning: exception for DL3007", "deleted in a later layer", "commit 3f9c2b7e4a1d"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q", want)
		}
	}
	for _, suppressed := range []string{"CVE-2023-4911", "pss:run-as-non-root"} {
		if strings.Contains(out, suppressed) {
			t.Errorf("table lists suppressed finding %s", suppressed)
		}
	}
}

// TestSecretsRedacted checks that no format prints a secret whole unless
// asked, and that messages the engines redacted stay redacted.
func TestSecretsRedacted(t *testing.T) {
	secrets := []string{"AKIAIOSFODNN7EXAMPLE", "ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R"}
	for _, format := range Formats() {
		out := string(render(t, format, Options{}, fixture(t)))
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("%s output contains the secret %s…", format, s[:4])
			}
		}
	}
	shown := string(render(t, "json", Options{ShowSecrets: true}, fixture(t)))
	for _, s := range secrets {
		if !strings.Contains(shown, s) {
			t.Errorf("json with ShowSecrets lacks the secret %s…", s[:4])
		}
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"aws key", "AKIAIOSFODNN7EXAMPLE", "AKIA…"},
		{"already redacted", "AKIA…", "AKIA…"},
		{"exactly four", "abcd", "abcd…"},
		{"short", "abc", "…"},
		{"empty", "", "…"},
		{"multibyte", "pässwörd", "päss…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Redact(tt.in); got != tt.want {
				t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestWriteKeepsInput checks writers never reorder or change the caller's result.
func TestWriteKeepsInput(t *testing.T) {
	for _, format := range Formats() {
		r := fixture(t)
		before := fixture(t)
		render(t, format, Options{}, r)
		if diff := cmp.Diff(before, r); diff != "" {
			t.Errorf("%s changed its input (-before +after):\n%s", format, diff)
		}
	}
}

func compileSchema(t *testing.T, file string, assertFormat bool) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	if assertFormat {
		c.AssertFormat()
	}
	path := filepath.Join("testdata", "schemas", file)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if err := c.AddResource(file, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(file)
	if err != nil {
		t.Fatalf("compile %s: %v", path, err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, name string, out []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("%s: not JSON: %v", name, err)
	}
	if err := s.Validate(doc); err != nil {
		t.Errorf("%s does not validate:\n%v", name, err)
	}
}

func TestSARIFSchema(t *testing.T) {
	s := compileSchema(t, "sarif-2.1.0-rtm.5.json", true)
	validate(t, s, "sarif", render(t, "sarif", Options{}, fixture(t)))
	validate(t, s, "sarif of an empty result", render(t, "sarif", Options{}, finding.Result{}))
}

func TestGitLabSchema(t *testing.T) {
	s := compileSchema(t, "gitlab-security-report-15.x-reconstructed.json", true)
	for _, format := range Formats() {
		if strings.HasPrefix(format, "gitlab") {
			validate(t, s, format, render(t, format, Options{}, fixture(t)))
			validate(t, s, format+" of an empty result", render(t, format, Options{}, finding.Result{}))
		}
	}
}

// TestGitLabTypes checks each explicit GitLab format keeps exactly its
// findings, with stable unique IDs, and that "gitlab" picks the dominant type.
func TestGitLabTypes(t *testing.T) {
	type report struct {
		Scan struct {
			Type string `json:"type"`
		} `json:"scan"`
		Vulnerabilities []struct {
			ID          string `json:"id"`
			Identifiers []struct {
				Value string `json:"value"`
			} `json:"identifiers"`
		} `json:"vulnerabilities"`
	}
	tests := []struct {
		format, wantType string
		wantIDs          []string
	}{
		{"gitlab-container-scanning", "container_scanning", []string{"CVE-2023-38545", "CVE-2022-32149", "CVE-2005-2541"}},
		{"gitlab-dependency-scanning", "dependency_scanning", nil},
		{"gitlab-secret-detection", "secret_detection", []string{"aws-access-token", "github-pat"}},
		{"gitlab-sast", "sast", []string{"pss:privileged", "image:secret-in-env", "image:root-user", "DL3007", "DL3008"}},
		{"gitlab", "sast", []string{"pss:privileged", "image:secret-in-env", "image:root-user", "DL3007", "DL3008"}},
	}
	seen := map[string]string{}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			var notes []finding.Note
			out := render(t, tt.format, Options{Notify: func(n finding.Note) { notes = append(notes, n) }}, fixture(t))
			var rep report
			if err := json.Unmarshal(out, &rep); err != nil {
				t.Fatal(err)
			}
			if rep.Scan.Type != tt.wantType {
				t.Errorf("scan.type = %q, want %q", rep.Scan.Type, tt.wantType)
			}
			var got []string
			for _, v := range rep.Vulnerabilities {
				got = append(got, v.Identifiers[0].Value)
				if prev, ok := seen[v.ID]; ok && prev != v.Identifiers[0].Value && tt.format != "gitlab" {
					t.Errorf("id %s used for %s and %s", v.ID, prev, v.Identifiers[0].Value)
				}
				seen[v.ID] = v.Identifiers[0].Value
			}
			if diff := cmp.Diff(tt.wantIDs, got); diff != "" {
				t.Errorf("vulnerabilities (-want +got):\n%s", diff)
			}
			if tt.format == "gitlab" && len(notes) == 0 {
				t.Errorf("no note about the findings of other types left out")
			}
			if tt.format != "gitlab" && len(notes) != 0 {
				t.Errorf("explicit format %s notified %v", tt.format, notes)
			}
		})
	}
	// The same input gives the same IDs.
	if a, b := render(t, "gitlab-sast", Options{}, fixture(t)), render(t, "gitlab-sast", Options{}, fixture(t)); !bytes.Equal(a, b) {
		t.Error("gitlab-sast output is not deterministic")
	}
}

func TestSARIFLimits(t *testing.T) {
	r := fixture(t)
	tests := []struct {
		name        string
		limits      sarifLimits
		wantResults int
		wantRules   int
	}{
		// The 11 declared rules stay; vulnerability rules are made only for kept results.
		{"results", sarifLimits{Results: 3, Rules: 100, Tags: 2, GzipedBytes: 10 << 20}, 3, 12},
		{"rules", sarifLimits{Results: 100, Rules: 5, Tags: 10, GzipedBytes: 10 << 20}, 5, 5},
		{"size", sarifLimits{Results: 100, Rules: 100, Tags: 10, GzipedBytes: 2500}, 1, 11},
	}
	s := compileSchema(t, "sarif-2.1.0-rtm.5.json", true)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var notes []finding.Note
			w := sarifWriter{opts: Options{Notify: func(n finding.Note) { notes = append(notes, n) }}, limits: tt.limits}
			var buf bytes.Buffer
			if err := w.Write(&buf, r); err != nil {
				t.Fatal(err)
			}
			validate(t, s, "cut sarif", buf.Bytes())
			var log sarifLog
			if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
				t.Fatal(err)
			}
			run := log.Runs[0]
			if got := len(run.Results); got > tt.wantResults {
				t.Errorf("results = %d, want at most %d", got, tt.wantResults)
			}
			if got := len(run.Tool.Driver.Rules); got != tt.wantRules {
				t.Errorf("rules = %d, want %d", got, tt.wantRules)
			}
			for _, res := range run.Results {
				if res.RuleIndex >= len(run.Tool.Driver.Rules) || run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
					t.Errorf("result %s has ruleIndex %d pointing elsewhere", res.RuleID, res.RuleIndex)
				}
				if res.Suppressions != nil {
					t.Errorf("suppressed result %s kept while active ones were cut", res.RuleID)
				}
			}
			for _, ru := range run.Tool.Driver.Rules {
				if len(ru.Properties.Tags) > tt.limits.Tags {
					t.Errorf("rule %s has %d tags, limit %d", ru.ID, len(ru.Properties.Tags), tt.limits.Tags)
				}
			}
			if len(notes) == 0 {
				t.Fatal("no note about the cut")
			}
			var inRun []string
			for _, n := range run.Invocations[0].ToolExecutionNotifications {
				inRun = append(inRun, n.Message.Text)
			}
			if !slices.Contains(inRun, notes[0].Message) {
				t.Errorf("cut note %q missing from toolExecutionNotifications %q", notes[0].Message, inRun)
			}
		})
	}
}

func TestSARIFResults(t *testing.T) {
	var log sarifLog
	if err := json.Unmarshal(render(t, "sarif", Options{}, fixture(t)), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if got, want := len(run.Results), 12; got != want {
		t.Fatalf("results = %d, want %d", got, want)
	}
	byRule := map[string]sarifResult{}
	for _, res := range run.Results {
		byRule[res.RuleID] = res
		if res.PartialFingerprints[fingerprintKey] == "" {
			t.Errorf("%s has no fingerprint", res.RuleID)
		}
	}
	if r := byRule["image:root-user"]; r.Locations[0].PhysicalLocation.Region != nil {
		t.Errorf("finding without a line has a region: %+v", r.Locations[0].PhysicalLocation.Region)
	}
	if got := byRule["DL3008"].Locations[0].PhysicalLocation.Region; got == nil || got.StartLine != 7 || got.EndLine != 9 {
		t.Errorf("DL3008 region = %+v, want lines 7-9", got)
	}
	if got := byRule["CVE-2023-4911"].Suppressions; len(got) != 1 || got[0].Kind != "external" {
		t.Errorf("suppressed finding suppressions = %+v", got)
	}
	for _, ru := range run.Tool.Driver.Rules {
		if ru.ID == "aws-access-token" && ru.Properties.SecuritySeverity != "9.5" {
			t.Errorf("aws-access-token security-severity = %q, want 9.5", ru.Properties.SecuritySeverity)
		}
	}
}

// TestJUnit checks the counts Jenkins and GitLab read: a testcase per rule,
// failures for rules with active findings, skipped for suppressed only.
func TestJUnit(t *testing.T) {
	var doc junitSuites
	if err := xml.Unmarshal(render(t, "junit", Options{}, fixture(t)), &doc); err != nil {
		t.Fatal(err)
	}
	type counts struct{ Tests, Failures, Skipped int }
	got := map[string]counts{}
	for _, s := range doc.Suites {
		got[s.Name] = counts{s.Tests, s.Failures, s.Skipped}
		n := counts{Tests: len(s.Cases)}
		for _, c := range s.Cases {
			if c.Failure != nil {
				n.Failures++
			}
			if c.Skipped != nil {
				n.Skipped++
			}
		}
		if n != got[s.Name] {
			t.Errorf("suite %s attributes %+v disagree with its cases %+v", s.Name, got[s.Name], n)
		}
	}
	want := map[string]counts{
		"sluice.vuln":   {Tests: 4, Failures: 3, Skipped: 1},
		"sluice.secret": {Tests: 2, Failures: 2},
		"sluice.lint":   {Tests: 3, Failures: 2},
		"sluice.config": {Tests: 3, Failures: 1, Skipped: 1},
		"sluice.image":  {Tests: 3, Failures: 2},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("suites (-want +got):\n%s", diff)
	}
	if doc.Tests != 15 || doc.Failures != 10 || doc.Skipped != 2 {
		t.Errorf("testsuites totals = %d/%d/%d, want 15/10/2", doc.Tests, doc.Failures, doc.Skipped)
	}
}

func TestMarkdownCut(t *testing.T) {
	r := fixture(t)
	base := r.Findings[1]
	for i := range 3000 {
		f := base
		f.Rule = "CVE-2099-" + strings.Repeat("9", 1) + string(rune('0'+i%10)) + strings.Repeat("x", i%7)
		f.Location.Path = "usr/lib/pkg" + strings.Repeat("/deep", i%5) + "/file"
		f.Package = &finding.Package{Name: "pkg", Version: string(rune('a' + i%26))}
		r.Findings = append(r.Findings, f)
	}
	var notes []finding.Note
	out := render(t, "markdown", Options{Notify: func(n finding.Note) { notes = append(notes, n) }}, r)
	if len(out) > markdownMax {
		t.Errorf("markdown is %d bytes, over %d", len(out), markdownMax)
	}
	if !bytes.Contains(out, []byte("Details cut")) || len(notes) == 0 {
		t.Error("cut is not reported")
	}
	if bytes.Count(out, []byte("<details>")) != bytes.Count(out, []byte("</details>")) {
		t.Error("unbalanced <details>")
	}
}

func TestUnknownFormat(t *testing.T) {
	if _, err := New("xml", Options{}); err == nil || !strings.Contains(err.Error(), "sarif") {
		t.Errorf("New(xml) error = %v, want one listing the formats", err)
	}
}

// TestHostileText checks text from scanned files cannot drive a terminal,
// break a Markdown table or inject HTML into a comment.
func TestHostileText(t *testing.T) {
	r := finding.Result{Findings: []finding.Finding{{
		Kind: finding.KindLint, Rule: "DL3000", Severity: finding.SeverityHigh,
		Title:    "x | <img src=x onerror=alert(1)>",
		Message:  "\x1b[2J\x1b]0;pwned\x07evil\ttab\nnewline",
		Location: finding.Location{Path: "a|b\x1b[31m.txt", Line: 2},
	}}}
	table := string(render(t, "table", Options{}, r))
	if strings.ContainsAny(table, "\x1b\x07") {
		t.Errorf("table passes control characters through:\n%q", table)
	}
	md := string(render(t, "markdown", Options{}, r))
	if strings.Contains(md, "<img") || strings.Contains(md, "a|b") || strings.ContainsAny(md, "\x1b\x07") {
		t.Errorf("markdown passes markup through:\n%s", md)
	}
}
