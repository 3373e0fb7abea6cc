package sign

import (
	"os"
	"testing"
)

// TestDistributionRegistry signs, attests, verifies and promotes against the
// CNCF distribution registry (the registry most private deployments run),
// with sluice alone. CI installs the registry and sets SLUICE_REGISTRY to it
// (.ci/run); TestInteropCosign adds cosign on top when SLUICE_INTEROP=1.
func TestDistributionRegistry(t *testing.T) {
	bin := os.Getenv("SLUICE_REGISTRY")
	if bin == "" {
		t.Skip("set SLUICE_REGISTRY to a distribution registry binary (go install github.com/distribution/distribution/v3/cmd/registry@v3.1.2)")
	}
	host := startDistribution(t, bin)
	keys := t.TempDir()
	key := loadKey(t, writeKeyPair(t, keys, "sluice", "pw")+".key", "pw")
	pub := key.Public()
	other := loadKey(t, writeKeyPair(t, keys, "other", "pw")+".key", "pw")
	bom := []byte(`{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"type":"library","name":"zlib","version":"1.3.1"}]}`)

	for _, f := range []Format{FormatBundle, FormatLegacy} {
		t.Run(string(f), func(t *testing.T) {
			ref := host + "/app/" + string(f) + ":1"
			d := pushImage(t, ref)
			if _, err := Sign(ctx(t), ref, key, SignOptions{Format: f, Annotations: map[string]string{"env": "prod"}}); err != nil {
				t.Fatal(err)
			}
			v, err := Verify(ctx(t), ref, pub, VerifyOptions{Annotations: map[string]string{"env": "prod"}})
			if err != nil || len(v.Verified()) != 1 || v.Digest != d.String() {
				t.Fatalf("verify: %v, %d verified, digest %s want %s", err, len(v.Verified()), v.Digest, d)
			}
			if v, _ := Verify(ctx(t), ref, other.Public(), VerifyOptions{}); v != nil && len(v.Verified()) != 0 {
				t.Error("a signature verified with the wrong key")
			}
			if _, err := Attest(ctx(t), ref, bom, key, AttestOptions{Format: f, Type: "cyclonedx"}); err != nil {
				t.Fatal(err)
			}
			if v, err := VerifyAttestations(ctx(t), ref, pub, VerifyOptions{}); err != nil || len(v.Verified()) != 1 {
				t.Fatalf("verify-attestation: %v", err)
			}
			// The tag moves to another image: the old signature must not count.
			pushImage(t, ref)
			if v, _ := Verify(ctx(t), ref, pub, VerifyOptions{}); v != nil && len(v.Verified()) != 0 {
				t.Error("a signature of the old digest verified the moved tag")
			}
		})
	}

	t.Run("promote", func(t *testing.T) {
		src := host + "/staging/app:rc1"
		pushIndex(t, src)
		if _, err := Sign(ctx(t), src, key, SignOptions{Recursive: true}); err != nil {
			t.Fatal(err)
		}
		policy := &TrustPolicy{Rules: []TrustRule{{Images: []string{host + "/staging/*"}, Keys: []TrustKey{{Name: "sluice.pub", Key: pub}}}}}
		dst := host + "/prod/app:1.0"
		p, err := Promote(ctx(t), src, dst, PromoteOptions{Policy: policy})
		if err != nil {
			t.Fatal(err)
		}
		if v, err := Verify(ctx(t), dst, pub, VerifyOptions{}); err != nil || len(v.Verified()) == 0 || v.Digest != p.Digest {
			t.Fatalf("the promoted image does not verify: %v", err)
		}
	})
}
