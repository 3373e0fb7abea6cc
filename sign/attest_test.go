package sign

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestAttestVerify(t *testing.T) {
	cdx := []byte(`{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"type":"library","name":"zlib","version":"1.3"}]}`)
	fixed := func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	tests := []struct {
		name          string
		format        Format
		typ           string
		predicate     []byte
		want          string // filter of verify-attestation
		wantType      string
		wantPredicate string
		wantOK        int
	}{
		{name: "bundle-cyclonedx", format: FormatBundle, typ: "cyclonedx", predicate: cdx, wantType: "https://cyclonedx.org/bom", wantPredicate: string(cdx), wantOK: 1},
		{name: "legacy-cyclonedx", format: FormatLegacy, typ: "cyclonedx", predicate: cdx, wantType: "https://cyclonedx.org/bom", wantPredicate: string(cdx), wantOK: 1},
		{name: "legacy-custom", format: FormatLegacy, typ: "custom", predicate: []byte("hello"), wantType: "https://cosign.sigstore.dev/attestation/v1", wantPredicate: `{"Data":"hello","Timestamp":"2026-01-02T03:04:05Z"}`, wantOK: 1},
		{name: "bundle-type-filter-mismatch", format: FormatBundle, typ: "cyclonedx", predicate: cdx, want: "spdx", wantOK: 0},
		{name: "legacy-type-filter-match", format: FormatLegacy, typ: "vuln", predicate: []byte(`{"scanner":{"uri":"sluice"}}`), want: "vuln", wantType: "https://cosign.sigstore.dev/attestation/vuln/v1", wantPredicate: `{"scanner":{"uri":"sluice"}}`, wantOK: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host := testRegistry(t, false)
			ref := host + "/app:1.0"
			pushImage(t, ref)
			// A signature beside the attestation must not be taken for one.
			if _, err := Sign(ctx(t), ref, testKey, SignOptions{Format: tt.format}); err != nil {
				t.Fatal(err)
			}
			if _, err := Attest(ctx(t), ref, tt.predicate, testKey, AttestOptions{Format: tt.format, Type: tt.typ, Now: fixed}); err != nil {
				t.Fatal(err)
			}
			v, err := VerifyAttestations(ctx(t), ref, testKey.Public(), VerifyOptions{PredicateType: tt.want})
			if err != nil {
				t.Fatal(err)
			}
			ok := v.Verified()
			if len(ok) != tt.wantOK {
				t.Fatalf("verified %d, want %d; reasons %q", len(ok), tt.wantOK, reasons(v))
			}
			if tt.wantOK == 0 {
				return
			}
			if diff := cmp.Diff(tt.wantType, ok[0].Statement.PredicateType); diff != "" {
				t.Errorf("predicate type (-want +got):\n%s", diff)
			}
			var want, got any
			_ = json.Unmarshal([]byte(tt.wantPredicate), &want)
			_ = json.Unmarshal(ok[0].Statement.Predicate, &got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("predicate (-want +got):\n%s", diff)
			}
			// Signatures are not attestations and the reverse.
			sv, err := Verify(ctx(t), ref, testKey.Public(), VerifyOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if n := len(sv.Verified()); n != 1 {
				t.Errorf("signatures verified %d, want 1; reasons %q", n, reasons(sv))
			}
		})
	}
}

func TestAttestWrongKey(t *testing.T) {
	host := testRegistry(t, true)
	ref := host + "/app:1.0"
	pushImage(t, ref)
	if _, err := Attest(ctx(t), ref, []byte(`{"a":1}`), otherKey, AttestOptions{Type: "slsaprovenance"}); err != nil {
		t.Fatal(err)
	}
	v, err := VerifyAttestations(ctx(t), ref, testKey.Public(), VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Verified()) != 0 || !strings.Contains(strings.Join(reasons(v), ""), "signature does not match") {
		t.Errorf("reasons %q, want a signature mismatch", reasons(v))
	}
}

func TestPAE(t *testing.T) {
	// The example of the DSSE protocol document.
	got := string(PAE("http://example.com/HelloWorld", []byte("hello world")))
	want := "DSSEv1 29 http://example.com/HelloWorld 11 hello world"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("PAE (-want +got):\n%s", diff)
	}
}

func FuzzParseBundle(f *testing.F) {
	st, _ := newStatement("r", "sha256:abcd", CosignSignPredicateType, []byte("{}"), nil)
	b, _ := newDSSEBundle(testKey, st)
	f.Add(b)
	f.Add([]byte(`{"messageSignature":{"signature":"AA=="}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		bd, err := parseBundle(raw)
		if err != nil {
			return
		}
		var c Candidate
		checkStatementEnvelope(bd.DSSEEnvelope, "sha256:abcd", testKey.Public(), false, &VerifyOptions{}, &c)
	})
}

func FuzzParseSimpleSigning(f *testing.F) {
	p, _ := newSimpleSigning("r/a", "sha256:abcd", map[string]string{"a": "b"})
	f.Add(p)
	f.Fuzz(func(t *testing.T, raw []byte) {
		if s, err := parseSimpleSigning(raw); err == nil && s.Critical.Image.DockerManifestDigest == "" {
			t.Error("accepted a payload without a digest")
		}
		_ = stringify(map[string]any{"x": string(raw)})
	})
}

func FuzzParseStatement(f *testing.F) {
	st, _ := newStatement("r", "sha256:abcd", "https://x", []byte(`{"a":1}`), map[string]string{"k": "v"})
	f.Add(st)
	f.Fuzz(func(t *testing.T, raw []byte) {
		s, err := parseStatement(raw)
		if err != nil {
			return
		}
		_, _ = s.subjectFor("sha256:abcd")
		_ = s.subjectDigests()
	})
}
