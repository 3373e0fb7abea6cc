package finding

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseSeverity(t *testing.T) {
	tests := []struct {
		in      string
		want    Severity
		wantErr bool
	}{
		{in: "critical", want: SeverityCritical},
		{in: "HIGH", want: SeverityHigh},
		{in: " Medium ", want: SeverityMedium},
		{in: "moderate", want: SeverityMedium},
		{in: "important", want: SeverityHigh},
		{in: "warning", want: SeverityMedium},
		{in: "error", want: SeverityHigh},
		{in: "style", want: SeverityInfo},
		{in: "negligible", want: SeverityInfo},
		{in: "low", want: SeverityLow},
		{in: "unknown", want: SeverityUnknown},
		{in: "severe", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseSeverity(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseSeverity(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestSeverityOrder(t *testing.T) {
	order := Severities()
	for i := 1; i < len(order); i++ {
		if order[i-1] <= order[i] {
			t.Errorf("%v should rank above %v", order[i-1], order[i])
		}
	}
}

func TestSeverityFromCVSS(t *testing.T) {
	tests := []struct {
		score float64
		want  Severity
	}{
		{0, SeverityUnknown}, {0.1, SeverityLow}, {3.9, SeverityLow}, {4.0, SeverityMedium},
		{6.9, SeverityMedium}, {7.0, SeverityHigh}, {8.9, SeverityHigh}, {9.0, SeverityCritical},
		{10, SeverityCritical}, {10.1, SeverityUnknown}, {-1, SeverityUnknown},
	}
	for _, tt := range tests {
		if got := SeverityFromCVSS(tt.score); got != tt.want {
			t.Errorf("SeverityFromCVSS(%v) = %v, want %v", tt.score, got, tt.want)
		}
	}
}

func TestSeverityJSON(t *testing.T) {
	b, err := json.Marshal(struct{ S Severity }{SeverityHigh})
	if err != nil || string(b) != `{"S":"high"}` {
		t.Fatalf("marshal = %s, %v", b, err)
	}
	var v struct{ S Severity }
	if err := json.Unmarshal([]byte(`{"S":"Critical"}`), &v); err != nil || v.S != SeverityCritical {
		t.Fatalf("unmarshal = %v, %v", v.S, err)
	}
	if err := json.Unmarshal([]byte(`{"S":"nope"}`), &v); err == nil {
		t.Fatal("unmarshal of an unknown severity must fail")
	}
}

func TestNormalize(t *testing.T) {
	r := Result{Findings: []Finding{
		{Kind: KindLint, Rule: "DL3008", Severity: SeverityMedium, Location: Location{Path: "Dockerfile", Line: 9}},
		{Kind: KindVuln, Rule: "CVE-1", Severity: SeverityCritical, Package: &Package{Name: "openssl"}},
		{Kind: KindLint, Rule: "DL3008", Severity: SeverityMedium, Location: Location{Path: "Dockerfile", Line: 2}},
		{Kind: KindSecret, Rule: "aws", Severity: SeverityHigh, Suppressed: &Suppression{Kind: "inline", Reason: "test key"}},
	}, Rules: []Rule{{ID: "b"}, {ID: "a"}, {ID: "b"}}}
	r.Normalize()
	var order []string
	for _, f := range r.Findings {
		order = append(order, f.Rule+":"+f.Location.Path)
		if len(f.Fingerprint) != 32 {
			t.Errorf("fingerprint %q: want 32 hex chars", f.Fingerprint)
		}
	}
	want := []string{"CVE-1:", "aws:", "DL3008:Dockerfile", "DL3008:Dockerfile"}
	if diff := cmp.Diff(want, order); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if r.Findings[2].Location.Line != 2 {
		t.Errorf("same rule and path must sort by line")
	}
	if diff := cmp.Diff(Summary{Critical: 1, Medium: 2, Suppressed: 1}, r.Summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	if r.Schema != SchemaV1 || len(r.Rules) != 2 || r.Decision.Reasons == nil {
		t.Errorf("normalize left schema %q, rules %v, reasons %v", r.Schema, r.Rules, r.Decision.Reasons)
	}
	if !r.AtOrAbove(SeverityCritical) || r.AtOrAbove(SeverityUnknown+10) {
		t.Error("AtOrAbove wrong")
	}
}

func TestFingerprintStable(t *testing.T) {
	a := Finding{Kind: KindSecret, Rule: "aws", Message: "one", Location: Location{Path: "a", Line: 1}}
	b := a
	b.Message = "reworded"
	b.Severity = SeverityCritical
	if a.ComputeFingerprint() != b.ComputeFingerprint() {
		t.Error("fingerprint changed with message or severity")
	}
	b.Location.Line = 2
	if a.ComputeFingerprint() == b.ComputeFingerprint() {
		t.Error("fingerprint ignores the line")
	}
}
