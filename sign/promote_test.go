package sign

import (
	"errors"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/remote"
)

func releasePolicy() *TrustPolicy {
	return &TrustPolicy{Rules: []TrustRule{{Name: "release", Images: []string{"**"}, Keys: []TrustKey{{Name: "release.pub", Key: testKey.Public()}}}}}
}

func TestPromote(t *testing.T) {
	tests := []struct {
		name      string
		index     bool
		sameRepo  bool
		otherReg  bool
		referrers bool
	}{
		{name: "tag-in-same-repo", sameRepo: true},
		{name: "other-repo-same-registry"},
		{name: "other-registry-fallback-tags", otherReg: true},
		{name: "other-registry-referrers-api", otherReg: true, referrers: true},
		{name: "index-to-other-registry", index: true, otherReg: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := testRegistry(t, tt.referrers)
			dstHost := src
			if tt.otherReg {
				dstHost = testRegistry(t, tt.referrers)
			}
			ref := src + "/staging/app:rc1"
			if tt.index {
				pushIndex(t, ref)
			} else {
				pushImage(t, ref)
			}
			// Both layouts, signatures and an attestation, on every manifest.
			for _, f := range []Format{FormatLegacy, FormatBundle} {
				if _, err := Sign(ctx(t), ref, testKey, SignOptions{Format: f, Recursive: true}); err != nil {
					t.Fatal(err)
				}
				if _, err := Attest(ctx(t), ref, []byte(`{"bomFormat":"CycloneDX"}`), testKey, AttestOptions{Format: f, Type: "cyclonedx"}); err != nil {
					t.Fatal(err)
				}
			}
			dst := dstHost + "/prod/app:1.0"
			if tt.sameRepo {
				dst = src + "/staging/app:1.0"
			}
			p, err := Promote(ctx(t), ref, dst, PromoteOptions{Policy: releasePolicy()})
			if err != nil {
				t.Fatal(err)
			}
			if !p.Decision.Pass {
				t.Fatalf("decision %+v", p.Decision)
			}
			// The destination carries the same digest, both signatures and
			// both attestations, and passes the same policy.
			v, err := Verify(ctx(t), dst, testKey.Public(), VerifyOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if v.Digest != p.Digest {
				t.Errorf("destination digest %s, want %s", v.Digest, p.Digest)
			}
			if n := len(v.Verified()); n != 2 {
				t.Errorf("destination signatures verified %d, want 2; reasons %q", n, reasons(v))
			}
			a, err := VerifyAttestations(ctx(t), dst, testKey.Public(), VerifyOptions{PredicateType: "cyclonedx"})
			if err != nil {
				t.Fatal(err)
			}
			if n := len(a.Verified()); n != 2 {
				t.Errorf("destination attestations verified %d, want 2; reasons %q", n, reasons(a))
			}
			if tt.index {
				tg := resolveT(t, dst)
				if len(tg.Children) != 2 {
					t.Fatalf("destination index has %d platforms, want 2", len(tg.Children))
				}
				child := tg.Repo.Digest(tg.Children[1].Digest.String()).String()
				cv, err := Verify(ctx(t), child, testKey.Public(), VerifyOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if n := len(cv.Verified()); n != 2 {
					t.Errorf("platform signatures at destination %d, want 2", n)
				}
			}
			// Promoting again is idempotent.
			if _, err := Promote(ctx(t), ref, dst, PromoteOptions{Policy: releasePolicy()}); err != nil {
				t.Errorf("second promotion: %v", err)
			}
		})
	}
}

func TestPromoteRefusals(t *testing.T) {
	host := testRegistry(t, false)
	signed := host + "/staging/app:signed"
	unsigned := host + "/staging/app:unsigned"
	signedDigest := pushImage(t, signed)
	pushImage(t, unsigned)
	if _, err := Sign(ctx(t), signed, testKey, SignOptions{}); err != nil {
		t.Fatal(err)
	}
	// An unsigned image is refused by the policy and nothing is copied.
	if _, err := Promote(ctx(t), unsigned, host+"/prod/app:x", PromoteOptions{Policy: releasePolicy()}); !errors.Is(err, ErrPolicy) {
		t.Errorf("unsigned: err = %v, want ErrPolicy", err)
	}
	if _, err := remote.Head(mustRef(t, host+"/prod/app:x")); err == nil {
		t.Error("a refused promotion still created the destination tag")
	}
	// An existing tag that points elsewhere is not moved without Force.
	pushImage(t, host+"/prod/app:1.0")
	if _, err := Promote(ctx(t), signed, host+"/prod/app:1.0", PromoteOptions{Policy: releasePolicy()}); !errors.Is(err, ErrTagExists) {
		t.Errorf("existing tag: err = %v, want ErrTagExists", err)
	}
	p, err := Promote(ctx(t), signed, host+"/prod/app:1.0", PromoteOptions{Policy: releasePolicy(), Force: true})
	if err != nil {
		t.Fatalf("forced: %v", err)
	}
	if got := resolveT(t, host+"/prod/app:1.0").Digest(); got != signedDigest.String() || p.Digest != got {
		t.Errorf("after --force the tag is %s, want %s", got, signedDigest)
	}
	// A bare repository destination is written by digest, no tag.
	if _, err := Promote(ctx(t), signed, host+"/archive/app", PromoteOptions{Policy: releasePolicy()}); err != nil {
		t.Fatal(err)
	}
	if _, err := remote.Head(mustRef(t, host+"/archive/app:latest")); err == nil {
		t.Error("a bare repository destination created :latest")
	}
	// --insecure is for localhost only.
	if _, err := Promote(ctx(t), "registry.example.com/a:1", host+"/b:1", PromoteOptions{Registry: Registry{Insecure: true}}); err == nil {
		t.Error("--insecure accepted a non-local registry")
	}
}
