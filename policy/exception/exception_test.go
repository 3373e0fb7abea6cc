package exception

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/finding"
)

const ledgerYAML = `# accepted risks, reviewed monthly
exceptions:
  - id: CVE-2023-0464
    packages: ["openssl", "libssl*"]
    reason: policy constraints are not used by our services
    owner: team-platform
    expires: 2026-12-31
  - id: DL3008
    paths: ["build/**"]
    reason: apt pins are managed by the base image
    owner: team-build
  - id: aws-access-token
    paths: ["docs/*.md"]
    reason: AWS documentation example key
    owner: security
    expires: 2026-01-31
  - id: K8S001
    targets: ["prod/*"]
    reason: nothing deployed there uses it
    owner: sre
`

func findings() finding.Result {
	return finding.Result{
		Target: finding.Target{Kind: "image", Name: "registry.local/app:1.0"},
		Findings: []finding.Finding{
			{Kind: finding.KindVuln, Rule: "GHSA-aaaa", Aliases: []string{"CVE-2023-0464"}, Severity: finding.SeverityHigh,
				Package: &finding.Package{Name: "libssl3", Version: "3.0.8-1", PURL: "pkg:deb/debian/libssl3@3.0.8-1"}},
			{Kind: finding.KindVuln, Rule: "CVE-2023-0464", Severity: finding.SeverityHigh,
				Package: &finding.Package{Name: "curl", Version: "7.88.1"}},
			{Kind: finding.KindLint, Rule: "DL3008", Severity: finding.SeverityMedium, Location: finding.Location{Path: "build/ci/Dockerfile", Line: 3}},
			{Kind: finding.KindLint, Rule: "DL3008", Severity: finding.SeverityMedium, Location: finding.Location{Path: "Dockerfile", Line: 3}},
			{Kind: finding.KindSecret, Rule: "aws-access-token", Severity: finding.SeverityHigh, Location: finding.Location{Path: "docs/aws.md", Line: 9}},
		},
	}
}

func TestApply(t *testing.T) {
	l, err := Parse(".sluiceignore", strings.NewReader(ledgerYAML))
	if err != nil {
		t.Fatal(err)
	}
	res := findings()
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	out := l.Apply(&res, now)

	var gotSuppressed []string
	for _, f := range res.Findings {
		if f.Suppressed != nil {
			gotSuppressed = append(gotSuppressed, f.Rule+" "+f.Suppressed.Source)
		}
	}
	wantSuppressed := []string{"GHSA-aaaa .sluiceignore:3", "DL3008 .sluiceignore:8"}
	if diff := cmp.Diff(wantSuppressed, gotSuppressed); diff != "" {
		t.Errorf("suppressed (-want +got):\n%s", diff)
	}
	if out.Suppressed != 2 {
		t.Errorf("Outcome.Suppressed = %d, want 2", out.Suppressed)
	}
	if len(out.Expired) != 1 || out.Expired[0].ID != "aws-access-token" {
		t.Errorf("Expired = %v, want the aws-access-token entry", out.Expired)
	}
	if len(out.Stale) != 1 || out.Stale[0].ID != "K8S001" {
		t.Errorf("Stale = %v, want the K8S001 entry", out.Stale)
	}
	var levels []finding.NoteLevel
	for _, n := range res.Notes {
		levels = append(levels, n.Level)
		if n.Level == finding.NoteError && !strings.Contains(n.Message, "security") {
			t.Errorf("expired note %q does not name the owner", n.Message)
		}
	}
	if diff := cmp.Diff([]finding.NoteLevel{finding.NoteError, finding.NoteWarning}, levels); diff != "" {
		t.Errorf("note levels (-want +got):\n%s", diff)
	}
}

func TestExpiryIsInclusive(t *testing.T) {
	e := &Entry{ID: "X", Reason: "r", Expires: "2026-11-26"}
	if err := e.compile(); err != nil {
		t.Fatal(err)
	}
	if e.Expired(time.Date(2026, 11, 26, 23, 59, 0, 0, time.UTC)) {
		t.Error("entry expired during its last day")
	}
	if !e.Expired(time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)) {
		t.Error("entry still valid the day after it expired")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"unknown key", "exceptions:\n  - id: X\n    reason: r\n    ownr: me\n", `x.yaml:4: unknown key "ownr"`},
		{"unknown top-level key", "exception:\n  - id: X\n", `x.yaml:1: unknown key "exception"`},
		{"no reason", "exceptions:\n  - id: X\n", "has no reason"},
		{"no id", "exceptions:\n  - reason: r\n", "has no id"},
		{"bad date", "exceptions:\n  - id: X\n    reason: r\n    expires: 31/12/2026\n", "not a date"},
		{"bad glob", "exceptions:\n  - id: X\n    reason: r\n    paths: ['[a']\n", "unclosed"},
		{"not yaml", "exceptions: [\n", "did not find"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.yaml", strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "x.yaml") {
				t.Fatalf("err = %v, want it to name x.yaml and contain %q", err, tt.want)
			}
		})
	}
}

func TestLoadMissingOptional(t *testing.T) {
	l, err := Load(t.TempDir()+"/none", true)
	if err != nil || len(l.Entries) != 0 {
		t.Fatalf("Load optional missing = %v, %v", l, err)
	}
	if _, err := Load(t.TempDir()+"/none", false); err == nil {
		t.Fatal("Load of a named missing file must fail")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(ledgerYAML))
	f.Add([]byte("exceptions: []"))
	f.Add([]byte("exceptions:\n  - id: a\n    reason: b\n    paths: ['**/[x']\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Parse("fuzz", strings.NewReader(string(data)))
		if err != nil {
			return
		}
		res := findings()
		l.Apply(&res, time.Now())
	})
}
