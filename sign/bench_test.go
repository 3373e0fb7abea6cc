package sign

import (
	"testing"
)

// BenchmarkSign measures signing one image (resolve, sign, push) against
// the in-process registry, per layout.
func BenchmarkSign(b *testing.B) {
	for _, f := range []Format{FormatBundle, FormatLegacy} {
		b.Run(string(f), func(b *testing.B) {
			host := testRegistry(b, true)
			ref := host + "/bench/app:1"
			pushImage(b, ref)
			for b.Loop() {
				if _, err := Sign(b.Context(), ref, testKey, SignOptions{Format: f}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerify measures finding and verifying an image's signatures (one
// bundle and one legacy) against the in-process registry.
func BenchmarkVerify(b *testing.B) {
	host := testRegistry(b, true)
	ref := host + "/bench/app:1"
	pushImage(b, ref)
	for _, f := range []Format{FormatBundle, FormatLegacy} {
		if _, err := Sign(b.Context(), ref, testKey, SignOptions{Format: f}); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		v, err := Verify(b.Context(), ref, testKey.Public(), VerifyOptions{})
		if err != nil || len(v.Verified()) != 2 {
			b.Fatalf("verify: %v", err)
		}
	}
}
