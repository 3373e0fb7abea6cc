package sign

import (
	"context"
	"crypto"
	"io"
	"log"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// testRegistry starts go-containerregistry's in-process registry; referrers
// says whether it offers the OCI 1.1 referrers API (without it, clients use
// the sha256-<hex> referrers tag).
func testRegistry(t testing.TB, referrers bool) string {
	t.Helper()
	h := registry.New(registry.Logger(log.New(io.Discard, "", 0)), registry.WithReferrersSupport(referrers))
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return strings.TrimPrefix(s.URL, "http://")
}

// pushImage pushes a random image to host/repo:tag and returns its digest.
func pushImage(t testing.TB, ref string) v1.Hash {
	t.Helper()
	img, err := random.Image(256, 2)
	if err != nil {
		t.Fatal(err)
	}
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatal(err)
	}
	d, _ := img.Digest()
	return d
}

// pushIndex pushes a random two-platform index and returns it.
func pushIndex(t testing.TB, ref string) v1.ImageIndex {
	t.Helper()
	idx, err := random.Index(128, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.WriteIndex(r, idx); err != nil {
		t.Fatal(err)
	}
	return idx
}

// testKey is a P-256 key shared by the tests of this package.
var testKey, otherKey = mustKey(), mustKey()

func mustKey() crypto.Signer {
	k, err := GenerateKey()
	if err != nil {
		panic(err)
	}
	return k
}

func verifiedCount(v *Verification) int { return len(v.Verified()) }

func reasons(v *Verification) []string {
	var out []string
	for _, c := range v.Candidates {
		if !c.Verified {
			out = append(out, string(c.Form)+": "+c.Reason)
		}
	}
	return out
}

func ctx(t *testing.T) context.Context { return t.Context() }
