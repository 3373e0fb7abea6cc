package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/finding"
)

var now = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func sev(s finding.Severity) *finding.Severity { return &s }

func vuln(id string, s finding.Severity, fix []string, published time.Time) finding.Finding {
	f := finding.Finding{Kind: finding.KindVuln, Rule: id, Severity: s, Published: published,
		Package: &finding.Package{Name: "openssl", Version: "3.0.8"}}
	if fix != nil {
		f.Fix = &finding.Fix{Versions: fix}
	}
	return f
}

func TestEvaluate(t *testing.T) {
	old := now.AddDate(0, -6, 0)
	yesterday := now.AddDate(0, 0, -1)
	tests := []struct {
		name        string
		pol         Policy
		findings    []finding.Finding
		facts       Facts
		wantPass    bool
		wantReasons []string
		wantNote    string
	}{
		{
			name:     "zero policy passes everything",
			findings: []finding.Finding{vuln("CVE-1", finding.SeverityCritical, nil, old)},
			wantPass: true,
		},
		{
			name:        "threshold fails at and above",
			pol:         Policy{FailOn: sev(finding.SeverityHigh)},
			findings:    []finding.Finding{vuln("CVE-1", finding.SeverityHigh, []string{"3.0.9"}, old), vuln("CVE-2", finding.SeverityMedium, nil, old)},
			wantReasons: []string{"vuln CVE-1 in openssl@3.0.8 is high, at or above the high threshold for vuln findings (fixed in 3.0.9)"},
		},
		{
			name:     "per-kind threshold overrides the default",
			pol:      Policy{FailOn: sev(finding.SeverityLow), Thresholds: map[finding.Kind]finding.Severity{finding.KindLint: finding.SeverityHigh}},
			findings: []finding.Finding{{Kind: finding.KindLint, Rule: "DL3008", Severity: finding.SeverityMedium, Location: finding.Location{Path: "Dockerfile", Line: 4}}},
			wantPass: true,
		},
		{
			name:     "only-fixed skips vulnerabilities without a fix",
			pol:      Policy{FailOn: sev(finding.SeverityCritical), OnlyFixed: true},
			findings: []finding.Finding{vuln("CVE-1", finding.SeverityCritical, nil, old)},
			wantPass: true,
		},
		{
			name:        "only-fixed still fails a fixable critical",
			pol:         Policy{FailOn: sev(finding.SeverityCritical), OnlyFixed: true},
			findings:    []finding.Finding{vuln("CVE-1", finding.SeverityCritical, []string{"3.0.9"}, old)},
			wantReasons: []string{"vuln CVE-1 in openssl@3.0.8 is critical, at or above the critical threshold for vuln findings (fixed in 3.0.9)"},
		},
		{
			name:     "grace window warns instead of failing",
			pol:      Policy{FailOn: sev(finding.SeverityHigh), GraceDays: 3},
			findings: []finding.Finding{vuln("CVE-NEW", finding.SeverityCritical, []string{"3.0.9"}, yesterday)},
			wantPass: true,
			wantNote: "within the 3-day grace window: it will fail from 2026-11-28",
		},
		{
			name:        "max age of a fixable critical",
			pol:         Policy{MaxFixableCriticalDays: 30},
			findings:    []finding.Finding{vuln("CVE-OLD", finding.SeverityCritical, []string{"3.0.9"}, old), vuln("CVE-NOFIX", finding.SeverityCritical, nil, old)},
			wantReasons: []string{"vuln CVE-OLD in openssl@3.0.8 is a critical with a fix, published 2026-05-26: older than the 30 days allowed (fixed in 3.0.9)"},
		},
		{
			name:        "secrets never allowed",
			pol:         Policy{ForbidSecrets: true},
			findings:    []finding.Finding{{Kind: finding.KindSecret, Rule: "aws-access-token", Severity: finding.SeverityLow, Location: finding.Location{Path: "app/.env", Line: 2}}},
			wantReasons: []string{"secret aws-access-token at app/.env:2: secrets are never allowed"},
		},
		{
			name: "suppressed findings never fail",
			pol:  Policy{FailOn: sev(finding.SeverityInfo), ForbidSecrets: true},
			findings: []finding.Finding{{Kind: finding.KindSecret, Rule: "x", Severity: finding.SeverityHigh,
				Suppressed: &finding.Suppression{Kind: "ignore-file", Reason: "test fixture"}}},
			wantPass: true,
		},
		{
			name:        "signature required",
			pol:         Policy{RequireSignature: true},
			facts:       Facts{Signatures: []Signature{{Key: "cosign.pub", Verified: false}}},
			wantReasons: []string{"none of the image's 1 signatures verified: a verified signature is required for promotion"},
		},
		{
			name:     "signature present",
			pol:      Policy{RequireSignature: true},
			facts:    Facts{Signatures: []Signature{{Key: "a"}, {Key: "cosign.pub", Verified: true}}},
			wantPass: true,
		},
		{
			name: "labels and base image",
			pol:  Policy{RequiredLabels: []string{"org.opencontainers.image.source", "org.opencontainers.image.revision"}, AllowedBases: []string{"gcr.io/distroless/**"}},
			facts: Facts{Image: &Image{Reference: "app:1", Base: "docker.io/library/ubuntu:22.04",
				Labels: map[string]string{"org.opencontainers.image.source": "https://example.com/app"}}},
			wantReasons: []string{
				"image app:1 lacks the required label org.opencontainers.image.revision",
				"image app:1 is built on docker.io/library/ubuntu:22.04, which is not an allowed base image",
			},
		},
		{
			name: "custom CEL rule",
			pol: Policy{Rules: []Rule{{Name: "no-critical-openssl", Message: "openssl criticals block promotion",
				Expr: `findings.exists(f, f.package.name == "openssl" && f.severity_level >= 5 && !f.suppressed)`}}},
			findings:    []finding.Finding{vuln("CVE-1", finding.SeverityCritical, nil, old)},
			wantReasons: []string{"custom rule no-critical-openssl: openssl criticals block promotion"},
		},
		{
			name: "custom CEL rule over image facts and time",
			pol: Policy{Rules: []Rule{{Name: "fresh", Message: "image older than 90 days",
				Expr: `now - image.created > duration("2160h")`}}},
			facts:    Facts{Image: &Image{Reference: "app:1", Created: now.AddDate(0, 0, -10)}},
			wantPass: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := Compile(tt.pol)
			if err != nil {
				t.Fatal(err)
			}
			res := finding.Result{Findings: tt.findings}
			d, err := g.Evaluate(&res, tt.facts, now)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.wantReasons
			if want == nil {
				want = []string{}
			}
			if diff := cmp.Diff(want, d.Reasons); diff != "" {
				t.Errorf("reasons (-want +got):\n%s", diff)
			}
			if wantPass := tt.wantPass || len(tt.wantReasons) == 0; d.Pass != wantPass {
				t.Errorf("pass = %v, want %v", d.Pass, wantPass)
			}
			if tt.wantNote != "" {
				found := false
				for _, n := range res.Notes {
					found = found || strings.Contains(n.Message, tt.wantNote)
				}
				if !found {
					t.Errorf("notes %v lack %q", res.Notes, tt.wantNote)
				}
			}
		})
	}
}

func TestRulesVersionPin(t *testing.T) {
	g, err := Compile(Policy{FailOn: sev(finding.SeverityMedium), RulesVersion: "v0.3.0",
		RuleSince: map[string]string{"SL1020": "v0.4.0", "DL3008": "v0.1.0"}})
	if err != nil {
		t.Fatal(err)
	}
	res := finding.Result{Findings: []finding.Finding{
		{Kind: finding.KindLint, Rule: "SL1020", Severity: finding.SeverityHigh},
		{Kind: finding.KindLint, Rule: "DL3008", Severity: finding.SeverityMedium},
	}}
	d, err := g.Evaluate(&res, Facts{}, now)
	if err != nil {
		t.Fatal(err)
	}
	if res.Findings[0].Severity != finding.SeverityInfo {
		t.Errorf("newer rule kept severity %v, want info", res.Findings[0].Severity)
	}
	if len(d.Reasons) != 1 || !strings.Contains(d.Reasons[0], "DL3008") {
		t.Errorf("reasons = %v, want only DL3008", d.Reasons)
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0].Message, "SL1020") {
		t.Errorf("notes = %v, want one naming SL1020", res.Notes)
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name string
		pol  Policy
		want string
	}{
		{"syntax", Policy{Rules: []Rule{{Name: "r", Expr: "findings.exists(f, "}}}, "custom rule r"},
		{"not bool", Policy{Rules: []Rule{{Name: "r", Expr: "size(findings)"}}}, "want bool"},
		{"unknown variable", Policy{Rules: []Rule{{Name: "r", Expr: "vulns == 1"}}}, "undeclared reference"},
		{"no name", Policy{Rules: []Rule{{Expr: "true"}}}, "has no name"},
		{"duplicate", Policy{Rules: []Rule{{Name: "a", Expr: "true"}, {Name: "a", Expr: "false"}}}, "defined twice"},
		{"bad pin", Policy{RulesVersion: "0.3"}, "not a release version"},
		{"bad glob", Policy{AllowedBases: []string{"[x"}}, "allowed bases"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(tt.pol)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func BenchmarkEvaluate(b *testing.B) {
	g, err := Compile(Policy{FailOn: sev(finding.SeverityHigh), OnlyFixed: true, ForbidSecrets: true,
		Rules: []Rule{{Name: "r", Expr: `findings.exists(f, f.severity_level >= 5 && size(f.fix_versions) > 0)`}}})
	if err != nil {
		b.Fatal(err)
	}
	var fs []finding.Finding
	for i := 0; i < 1000; i++ {
		fs = append(fs, vuln("CVE-X", finding.Severity(i%6), nil, now))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res := finding.Result{Findings: fs}
		if _, err := g.Evaluate(&res, Facts{}, now); err != nil {
			b.Fatal(err)
		}
	}
}
