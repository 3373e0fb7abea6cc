// Package testutil holds what sluice's tests share: golden files refreshed
// with `go test ./... -update`, the testscript setup that runs the sluice
// command in-process, and container images built in-process (OCI layouts,
// archives, an in-process registry). Only tests import it.
package testutil

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files and generated docs instead of comparing")

// Update reports whether the test run was asked to rewrite golden files
// (`go test -update`).
func Update() bool { return *update }

// Golden compares got with testdata/golden/NAME (relative to the test's
// package directory). With -update it writes got there instead. A missing
// golden file fails with a hint to run -update, so a new case is never
// silently accepted.
func Golden(t testing.TB, name string, got []byte) {
	t.Helper()
	GoldenFile(t, filepath.Join("testdata", "golden", name), got)
}

// GoldenFile is Golden with an explicit path, for generated files that live
// outside testdata (such as docs/).
func GoldenFile(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden file %s: %v (run `go test -update` to create it)", path, err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs (-want +got), run `go test -update` if the change is intended:\n%s",
			path, cmp.Diff(string(want), string(got)))
	}
}
