package sign

import (
	"encoding/base64"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// TestDockerConfigAuth signs, verifies and promotes against a registry that
// requires basic auth, with the credentials only in a docker config.json.
func TestDockerConfigAuth(t *testing.T) {
	inner := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "ci" || p != "s3cret" {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		inner.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	host := strings.TrimPrefix(s.URL, "http://")

	dir := t.TempDir()
	auth := base64.StdEncoding.EncodeToString([]byte("ci:s3cret"))
	cfg := fmt.Sprintf(`{"auths":{%q:{"auth":%q}}}`, host, auth)
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", dir)

	// Push with explicit credentials (the test's own setup).
	img, _ := random.Image(64, 1)
	ref, _ := name.ParseReference(host + "/staging/app:1")
	if err := remote.Write(ref, img, remote.WithAuth(&authn.Basic{Username: "ci", Password: "s3cret"})); err != nil {
		t.Fatal(err)
	}
	// Without credentials the registry refuses.
	if _, err := remote.Head(ref); err == nil {
		t.Fatal("the registry accepted an anonymous request")
	}
	// sluice finds them in DOCKER_CONFIG.
	if _, err := Sign(ctx(t), ref.String(), testKey, SignOptions{}); err != nil {
		t.Fatalf("sign with docker config credentials: %v", err)
	}
	if _, err := Promote(ctx(t), ref.String(), host+"/prod/app:1", PromoteOptions{Policy: releasePolicy()}); err != nil {
		t.Fatalf("promote with docker config credentials: %v", err)
	}
	v, err := Verify(ctx(t), host+"/prod/app:1", testKey.Public(), VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Verified()) != 1 {
		t.Errorf("verified %d, want 1", len(v.Verified()))
	}
}
