// Package importertest holds the test helper the advisory importers share:
// importing files into a fresh database to look at what came out. The real
// advisory data is found with testutil.SharedDir.
package importertest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/sluice-dev/sluice/vulndb"
	"github.com/sluice-dev/sluice/vulndb/importer"
)

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
