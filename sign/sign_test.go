package sign

import (
	"crypto"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
)

func TestSignVerify(t *testing.T) {
	tests := []struct {
		name      string
		format    Format
		referrers bool
		annotate  map[string]string
		require   map[string]string
		key       crypto.Signer
		wantOK    int
		wantWhy   string
	}{
		{name: "legacy", format: FormatLegacy, wantOK: 1},
		{name: "bundle-referrers-api", format: FormatBundle, referrers: true, wantOK: 1},
		{name: "bundle-referrers-tag-fallback", format: FormatBundle, wantOK: 1},
		{name: "legacy-annotations", format: FormatLegacy, annotate: map[string]string{"env": "prod"}, require: map[string]string{"env": "prod"}, wantOK: 1},
		{name: "bundle-annotations", format: FormatBundle, annotate: map[string]string{"env": "prod"}, require: map[string]string{"env": "prod"}, wantOK: 1},
		{name: "legacy-annotation-differs", format: FormatLegacy, annotate: map[string]string{"env": "dev"}, require: map[string]string{"env": "prod"}, wantWhy: `annotation env is "dev", want "prod"`},
		{name: "bundle-annotation-missing", format: FormatBundle, require: map[string]string{"env": "prod"}, wantWhy: "the signature has no env"},
		{name: "legacy-wrong-key", format: FormatLegacy, key: otherKey, wantWhy: "signature does not match the public key"},
		{name: "bundle-wrong-key", format: FormatBundle, key: otherKey, wantWhy: "signature does not match the public key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host := testRegistry(t, tt.referrers)
			ref := host + "/app:1.0"
			d := pushImage(t, ref)
			key := testKey
			if tt.key != nil {
				key = tt.key
			}
			signed, err := Sign(ctx(t), ref, key, SignOptions{Format: tt.format, Annotations: tt.annotate})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{d.String()}, []string{signed[0].Digest}); diff != "" {
				t.Errorf("signed digest (-want +got):\n%s", diff)
			}
			v, err := Verify(ctx(t), ref, testKey.Public(), VerifyOptions{Annotations: tt.require})
			if err != nil {
				t.Fatal(err)
			}
			if got := verifiedCount(v); got != tt.wantOK {
				t.Errorf("verified %d, want %d; reasons %q", got, tt.wantOK, reasons(v))
			}
			if tt.wantWhy != "" && !strings.Contains(strings.Join(reasons(v), "\n"), tt.wantWhy) {
				t.Errorf("reasons %q, want one containing %q", reasons(v), tt.wantWhy)
			}
		})
	}
}

// TestSignAppends checks that signing twice keeps both signatures, and that
// verification reads both forms side by side.
func TestSignAppends(t *testing.T) {
	host := testRegistry(t, false)
	ref := host + "/app:1.0"
	pushImage(t, ref)
	for _, f := range []Format{FormatLegacy, FormatLegacy, FormatBundle, FormatBundle} {
		if _, err := Sign(ctx(t), ref, testKey, SignOptions{Format: f}); err != nil {
			t.Fatal(err)
		}
	}
	v, err := Verify(ctx(t), ref, testKey.Public(), VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var forms []Format
	for _, c := range v.Verified() {
		forms = append(forms, c.Form)
	}
	if diff := cmp.Diff([]Format{FormatLegacy, FormatLegacy, FormatBundle, FormatBundle}, forms); diff != "" {
		t.Errorf("verified forms (-want +got):\n%s", diff)
	}
}

func TestSignIndexRecursive(t *testing.T) {
	for _, recursive := range []bool{false, true} {
		t.Run(map[bool]string{false: "index-only", true: "recursive"}[recursive], func(t *testing.T) {
			host := testRegistry(t, true)
			ref := host + "/multi:1"
			idx := pushIndex(t, ref)
			signed, err := Sign(ctx(t), ref, testKey, SignOptions{Recursive: recursive})
			if err != nil {
				t.Fatal(err)
			}
			im, _ := idx.IndexManifest()
			want := 1
			if recursive {
				want += len(im.Manifests)
			}
			if len(signed) != want {
				t.Fatalf("signed %d manifests, want %d", len(signed), want)
			}
			child := host + "/multi@" + im.Manifests[0].Digest.String()
			v, err := Verify(ctx(t), child, testKey.Public(), VerifyOptions{})
			if err != nil {
				t.Fatal(err)
			}
			wantChild := 0
			if recursive {
				wantChild = 1
			}
			if got := verifiedCount(v); got != wantChild {
				t.Errorf("platform manifest verified %d, want %d", got, wantChild)
			}
		})
	}
}

// TestTampering covers what an attacker can do to a registry: every case must
// be rejected, with a reason naming what is wrong.
func TestTampering(t *testing.T) {
	tests := []struct {
		name    string
		format  Format
		tamper  func(t *testing.T, host string)
		verify  string // ref to verify
		wantWhy string
	}{
		{
			name:   "legacy-changed-payload",
			format: FormatLegacy,
			tamper: func(t *testing.T, host string) {
				replaceLegacyPayload(t, host+"/app:1.0", func(p string) string {
					return strings.Replace(p, `"optional":{}`, `"optional":{"env":"prod"}`, 1)
				})
			},
			verify:  "/app:1.0",
			wantWhy: "signature does not match",
		},
		{
			name:   "bundle-changed-payload",
			format: FormatBundle,
			tamper: func(t *testing.T, host string) {
				replaceBundlePayload(t, host+"/app:1.0")
			},
			verify:  "/app:1.0",
			wantWhy: "signature does not match",
		},
		{
			name:   "legacy-signature-for-another-digest",
			format: FormatLegacy,
			tamper: func(t *testing.T, host string) {
				other := pushImage(t, host+"/app:evil")
				copySig(t, host, "/app:1.0", other.String())
			},
			verify:  "/app:evil",
			wantWhy: "signature is for digest",
		},
		{
			name:   "bundle-signature-for-another-digest",
			format: FormatBundle,
			tamper: func(t *testing.T, host string) {
				other := pushImage(t, host+"/app:evil")
				rebindBundle(t, host, "/app:1.0", other.String())
			},
			verify:  "/app:evil",
			wantWhy: "statement is about",
		},
		{
			name:   "moved-tag",
			format: FormatLegacy,
			tamper: func(t *testing.T, host string) {
				pushImage(t, host+"/app:1.0") // the tag now points at an unsigned image
			},
			verify:  "/app:1.0",
			wantWhy: "", // nothing found for the new digest
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host := testRegistry(t, false)
			pushImage(t, host+"/app:1.0")
			if _, err := Sign(ctx(t), host+"/app:1.0", testKey, SignOptions{Format: tt.format}); err != nil {
				t.Fatal(err)
			}
			tt.tamper(t, host)
			v, err := Verify(ctx(t), host+tt.verify, testKey.Public(), VerifyOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if n := verifiedCount(v); n != 0 {
				t.Fatalf("verified %d signatures after tampering, want 0", n)
			}
			why := strings.Join(reasons(v), "\n")
			if tt.wantWhy == "" && len(v.Candidates) != 0 {
				t.Errorf("candidates %q, want none for the new digest", why)
			}
			if tt.wantWhy != "" && !strings.Contains(why, tt.wantWhy) {
				t.Errorf("reasons %q, want one containing %q", why, tt.wantWhy)
			}
		})
	}
}

func mustRef(t *testing.T, s string) name.Reference {
	t.Helper()
	r, err := name.ParseReference(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
