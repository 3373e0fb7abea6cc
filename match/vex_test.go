package match

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/finding"
)

const vexDoc = `{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.com/vex/1",
  "author": "team-platform",
  "timestamp": "2026-11-01T00:00:00Z",
  "version": 1,
  "statements": [
    {"vulnerability": {"name": "CVE-2023-2650"}, "products": [{"@id": "pkg:apk/alpine/libssl3@3.1.0-r4?arch=x86_64"}],
     "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"},
    {"vulnerability": {"name": "CVE-2023-5678"}, "products": [{"@id": "pkg:apk/alpine/libssl3"}], "status": "fixed"},
    {"vulnerability": {"name": "CVE-2024-0727"}, "products": [{"@id": "pkg:apk/alpine/libssl3"}], "status": "under_investigation"},
    {"vulnerability": {"name": "GHSA-xxxx"}, "products": [{"@id": "pkg:apk/alpine/libssl3"}], "status": "not_affected", "justification": "component_not_present"}
  ]
}`

func TestVEX(t *testing.T) {
	v, err := ParseVEX("app.vex.json", []byte(vexDoc))
	if err != nil {
		t.Fatal(err)
	}
	pkg := &finding.Package{Name: "libssl3", Version: "3.1.0-r4", PURL: "pkg:apk/alpine/libssl3@3.1.0-r4?arch=x86_64"}
	other := &finding.Package{Name: "libcrypto3", Version: "3.1.0-r4", PURL: "pkg:apk/alpine/libcrypto3@3.1.0-r4"}
	fs := []finding.Finding{
		{Kind: finding.KindVuln, Rule: "CVE-2023-2650", Package: pkg},
		{Kind: finding.KindVuln, Rule: "CVE-2023-5678", Package: pkg},
		{Kind: finding.KindVuln, Rule: "CVE-2024-0727", Package: pkg},
		{Kind: finding.KindVuln, Rule: "CVE-2023-2650", Package: other},
		{Kind: finding.KindVuln, Rule: "CVE-2023-9999", Aliases: []string{"GHSA-xxxx"}, Package: pkg},
	}
	v.Apply(fs)
	var got []string
	for _, f := range fs {
		s := "active"
		if f.Suppressed != nil {
			s = f.Suppressed.Reason
		}
		got = append(got, f.Package.Name+" "+f.Rule+" "+s)
	}
	want := []string{
		"libssl3 CVE-2023-2650 not_affected: vulnerable_code_not_in_execute_path",
		"libssl3 CVE-2023-5678 fixed",
		"libssl3 CVE-2024-0727 active",
		"libcrypto3 CVE-2023-2650 active",
		"libssl3 CVE-2023-9999 not_affected: component_not_present",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if fs[2].Evidence[0].Value != "app.vex.json: under_investigation" {
		t.Errorf("status not shown: %v", fs[2].Evidence)
	}
}

func TestParseVEXErrors(t *testing.T) {
	for name, doc := range map[string]string{
		"not json":     `{`,
		"not openvex":  `{"@context": "https://cyclonedx.org", "statements": []}`,
		"bad status":   `{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [{"vulnerability": {"name": "CVE-1"}, "status": "ignored"}]}`,
		"no vuln name": `{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [{"vulnerability": {}, "status": "fixed"}]}`,
	} {
		if _, err := ParseVEX(name, []byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func FuzzParseVEX(f *testing.F) {
	f.Add([]byte(vexDoc))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := ParseVEX("fuzz", b)
		if err != nil {
			return
		}
		v.Apply([]finding.Finding{{Kind: finding.KindVuln, Rule: "CVE-1", Package: &finding.Package{PURL: "pkg:npm/a@1"}}})
	})
}
