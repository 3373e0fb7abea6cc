package feeds

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/internal/testutil"
	"github.com/sluice-dev/sluice/vulndb/importer/internal/importertest"
)

func TestNamesUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, im := range All() {
		if seen[im.Name()] {
			t.Errorf("duplicate importer name %q", im.Name())
		}
		seen[im.Name()] = true
	}
}

// TestImportEverything imports all of ../shared/vulndata by detection alone:
// the whole real corpus must convert, and within the 60 s budget.
func TestImportEverything(t *testing.T) {
	if testing.Short() {
		t.Skip("imports all real advisory data")
	}
	dir := testutil.SharedDir(t, "vulndata")
	ctx := context.Background()
	paths := []string{
		filepath.Join(dir, "osv"),
		filepath.Join(dir, "alpine-secdb"),
		filepath.Join(dir, "debian-security-tracker"),
		filepath.Join(dir, "nodejs-security-wg"),
	}
	start := time.Now()
	st, s, db := importertest.Import(t, All(), paths...)
	took := time.Since(start)
	fi, _ := os.Stat(db)
	t.Logf("imported %d records from %d files in %v; DB %.1f MiB; skipped %d", st.Records, st.Files, took, float64(fi.Size())/(1<<20), st.Skipped)
	if took > 60*time.Second {
		t.Errorf("import took %v, budget 60 s", took)
	}
	for _, src := range []string{"osv:Go", "osv:PyPI", "osv:crates.io", "osv:AlmaLinux", "alpine-secdb:v3.11/main", "alpine-secdb:edge/community", "debian-dsa", "debian-dla", "debian-dtsa", "nswg:npm"} {
		if st.Sources[src] == 0 {
			t.Errorf("no records from %s", src)
		}
	}
	// Only Node.js core/deps advisories, zip indexes and the README/MANIFEST
	// may be skipped.
	for _, ex := range st.SkipExamples {
		t.Logf("skipped: %s", ex)
	}
	ecos, _ := s.Ecosystems(ctx)
	for _, e := range []string{"AlmaLinux:9", "Alpine:v3.11", "Alpine:edge", "Debian:11", "Go", "PyPI", "crates.io", "npm"} {
		if !slices.Contains(ecos, e) {
			t.Errorf("ecosystem %s missing; have %v", e, ecos)
		}
	}
}
