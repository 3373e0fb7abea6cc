package artifact

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/sluice-dev/sluice/internal/testutil"
	"github.com/sluice-dev/sluice/vulndb"
)

// buildDB writes a small real database: the Go OSV records of the demo
// data are not bundled, so one hand-written record in OSV form is used.
func buildDB(t *testing.T, path string) {
	ctx := context.Background()
	b, err := vulndb.Create(ctx, path, vulndb.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	v := vulndb.Vulnerability{ID: "GO-2020-0015", Aliases: []string{"CVE-2020-14040"}, Affected: []vulndb.Affected{{
		Package: vulndb.Package{Ecosystem: "Go", Name: "golang.org/x/text"},
		Ranges:  []vulndb.Range{{Type: "SEMVER", Events: []vulndb.Event{{Introduced: "0"}, {Fixed: "0.3.3"}}}},
	}}}
	if err := b.Add(ctx, "osv:Go", &v); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestPushPull(t *testing.T) {
	ctx := context.Background()
	host := testutil.Registry(t)
	ref := host + "/sluice/db:latest"
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	buildDB(t, src)
	opts := Options{Insecure: true}
	digest, err := Push(ctx, src, ref, opts)
	if err != nil {
		t.Fatal(err)
	}
	if digest == "" {
		t.Error("no digest")
	}
	dst := filepath.Join(dir, "pulled", "sluice.db")
	info, err := Pull(ctx, ref, dst, opts)
	if err != nil {
		t.Fatal(err)
	}
	if info.Advisories != 1 {
		t.Errorf("pulled %d advisories, want 1", info.Advisories)
	}
	a, _ := os.ReadFile(src)
	b, _ := os.ReadFile(dst)
	if !bytes.Equal(a, b) {
		t.Error("pulled database differs from the pushed one")
	}

	// A missing tag fails and leaves the database in place.
	if _, err := Pull(ctx, host+"/sluice/db:missing", dst, opts); err == nil {
		t.Error("pull of a missing tag succeeded")
	}
	// An ordinary image is refused.
	img, _ := random.Image(512, 1)
	other, _ := name.ParseReference(host+"/some/image:1", name.Insecure)
	if err := remote.Write(other, img); err != nil {
		t.Fatal(err)
	}
	if _, err := Pull(ctx, other.String(), dst, opts); err == nil || !strings.Contains(err.Error(), "not a sluice database") {
		t.Errorf("pull of an ordinary image: %v", err)
	}
	c, _ := os.ReadFile(dst)
	if !bytes.Equal(b, c) {
		t.Error("a failed pull changed the database")
	}
}
