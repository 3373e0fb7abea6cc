// Package importertest holds the test helpers the advisory importers share:
// finding the real advisory data of the shared corpus, and importing files
// into a fresh database to look at what came out.
package importertest

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/sluice-dev/sluice/vulndb"
	"github.com/sluice-dev/sluice/vulndb/importer"
)

// SharedDir returns the path of parts under the shared data directory
// ($SLUICE_SHARED_DIR, or shared/ beside the checkout), and skips the test
// when it is not there: real advisory data is too large to check in.
func SharedDir(t testing.TB, parts ...string) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	// This file is vulndb/importer/internal/importertest/importertest.go.
	base := filepath.Join(filepath.Dir(file), "..", "..", "..", "..", "..", "shared")
	if d := os.Getenv("SLUICE_SHARED_DIR"); d != "" {
		base = d
	}
	p := filepath.Join(append([]string{base}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("real data %s not available: %v", p, err)
	}
	return p
}

// Import runs importers over paths into a fresh database under t.TempDir,
// commits it and opens it (closed when the test ends). It returns the
// import's statistics, the store and the database file's path.
func Import(t testing.TB, importers []importer.Importer, paths ...string) (importer.Stats, *vulndb.Store, string) {
	t.Helper()
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "sluice.db")
	b, err := vulndb.Create(ctx, db, vulndb.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := importer.Run(ctx, b, importers, paths, importer.Options{})
	if err != nil {
		b.Abort()
		t.Fatal(err)
	}
	if err := b.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	s, err := vulndb.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return st, s, db
}
