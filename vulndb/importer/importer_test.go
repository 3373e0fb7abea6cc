package importer_test

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/vulndb"
	"github.com/sluice-dev/sluice/vulndb/importer"
	"github.com/sluice-dev/sluice/vulndb/importer/feeds"
)

const goRec = `{"id": "GO-2099-0001", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "Go", "name": "example.com/m"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.2.3"}]}]}]}`

func writeZip(t *testing.T, path string, files map[string]string) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	zw.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func run(t *testing.T, paths ...string) (importer.Stats, error) {
	t.Helper()
	ctx := context.Background()
	b, err := vulndb.Create(ctx, filepath.Join(t.TempDir(), "db"), vulndb.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Abort()
	return importer.Run(ctx, b, feeds.All(), paths, importer.Options{})
}

func TestRunDetectsAndSkips(t *testing.T) {
	dir := t.TempDir()
	writeZip(t, filepath.Join(dir, "all.zip"), map[string]string{
		"GO-2099-0001.json": goRec,
		"broken.json":       `{"id": "X", "affected": [`,
		"notes.txt":         "hello",
	})
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("# not a feed"), 0o644)
	st, err := run(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"osv:Go": 1}, st.Sources); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
	if st.Skipped != 3 {
		t.Errorf("skipped %d, want 3 (broken record, text file, README): %v", st.Skipped, st.SkipExamples)
	}
}

func TestRunForcedFormat(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "feed.data") // no .json suffix: detection fails
	os.WriteFile(p, []byte(goRec), 0o644)
	st, _ := run(t, p)
	if st.Records != 0 {
		t.Errorf("detected an OSV record without a .json name")
	}
	st, err := run(t, "osv:"+p)
	if err != nil || st.Records != 1 {
		t.Errorf("osv:PATH imported %d records, err %v", st.Records, err)
	}
}

func TestRunRejectsZipBomb(t *testing.T) {
	dir := t.TempDir()
	writeZip(t, filepath.Join(dir, "bomb.zip"), map[string]string{"a.json": strings.Repeat("0", 10<<20)})
	if _, err := run(t, filepath.Join(dir, "bomb.zip")); err == nil {
		t.Error("a 10 MiB entry of zeros (ratio > 200) was accepted")
	}
}

func TestRunMissingPath(t *testing.T) {
	if _, err := run(t, filepath.Join(t.TempDir(), "nope")); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("error %v does not name the missing path", err)
	}
}
