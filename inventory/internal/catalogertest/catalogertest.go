// Package catalogertest holds the test harness shared by the catalogers:
// build an analysis.Input from bytes, a file or testdata, run a cataloger
// over a directory tree the way the driver would (Wants first, Analyze only
// on wanted files), record exactly which files it read and check that they
// are the ones it wanted.
package catalogertest

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/analysis"
	"github.com/sluice-dev/sluice/inventory"
)

// Input returns an analysis.Input over data at path (a regular file, 0644).
func Input(path string, data []byte) *analysis.Input {
	return &analysis.Input{Path: path, Mode: 0o644, Size: int64(len(data)), Content: bytes.NewReader(data)}
}

// FileInput reads a host file into an Input at the in-root path.
func FileInput(t testing.TB, path, file string) *analysis.Input {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	in := Input(path, data)
	in.Mode = st.Mode()
	return in
}

// SharedFixture returns the path of a file under ../shared/fixtures beside
// the repository, or skips the test when the shared data is not there.
func SharedFixture(t testing.TB, rel ...string) string {
	t.Helper()
	_, self, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(self), "..", "..", "..")
	// CI lays shared/ beside the checkout; a worktree under wt/ has it one
	// level further up.
	var p string
	for _, up := range []string{"..", filepath.Join("..", "..")} {
		p = filepath.Join(append([]string{root, up, "shared", "fixtures"}, rel...)...)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skipf("shared fixture %s not available (CI lays ../shared beside the checkout)", p)
	return ""
}

// recorder is an io.ReaderAt that notes that it was read.
type recorder struct {
	r    io.ReaderAt
	mu   *sync.Mutex
	read map[string]bool
	path string
}

func (r *recorder) ReadAt(p []byte, off int64) (int, error) {
	r.mu.Lock()
	r.read[r.path] = true
	r.mu.Unlock()
	return r.r.ReadAt(p, off)
}

// Run walks root like the analysis driver: it asks Wants for every regular
// file (path relative to root, slash-separated), calls Analyze only for the
// wanted ones and returns the merged result, the wanted paths and the paths
// whose content was actually read, both sorted. A cataloger has no other way
// to see a file, so read ⊆ wanted proves it reads only what it declared.
func Run(t testing.TB, a analysis.Analyzer, root string) (merged *analysis.Result, wanted, read []string) {
	t.Helper()
	merged = &analysis.Result{}
	var mu sync.Mutex
	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		st, err := d.Info()
		if err != nil {
			return err
		}
		if !a.Wants(rel, st.Mode(), st.Size()) {
			return nil
		}
		wanted = append(wanted, rel)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		in := &analysis.Input{Path: rel, Mode: st.Mode(), Size: st.Size(),
			Content: &recorder{r: bytes.NewReader(data), mu: &mu, read: seen, path: rel}}
		res, err := a.Analyze(context.Background(), in)
		if err != nil {
			t.Fatalf("%s: Analyze(%s): %v", a.Name(), rel, err)
		}
		if res != nil {
			merged.Packages = append(merged.Packages, res.Packages...)
			merged.Findings = append(merged.Findings, res.Findings...)
			merged.Notes = append(merged.Notes, res.Notes...)
			if res.Distro != nil {
				merged.Distro = res.Distro
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for p := range seen {
		read = append(read, p)
	}
	sort.Strings(wanted)
	sort.Strings(read)
	return merged, wanted, read
}

// RunWanting is Run that fails t unless a wanted exactly files (sorted,
// slash-separated, relative to root) and read nothing else (STYLE 22: a
// cataloger reads only the files it declared). It returns the merged result.
func RunWanting(t testing.TB, a analysis.Analyzer, root string, files []string) *analysis.Result {
	t.Helper()
	res, wanted, read := Run(t, a, root)
	if diff := cmp.Diff(files, wanted); diff != "" {
		t.Errorf("wanted (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wanted, read); diff != "" {
		t.Errorf("read (-wanted +read):\n%s", diff)
	}
	return res
}

// IDs returns "name@version" of each package, in order.
func IDs(pkgs []inventory.Package) []string {
	var out []string
	for _, p := range pkgs {
		out = append(out, p.Name+"@"+p.Version)
	}
	return out
}

// Testdata returns the content of testdata/<rel> (slash-separated) of the
// package under test, failing t when it cannot be read; fuzz targets seed
// their corpus with it.
func Testdata(t testing.TB, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Finish runs a's Finisher, if it has one, on an inventory made of pkgs
// and distro, and returns the finished packages.
func Finish(a analysis.Analyzer, distro *inventory.Distro, pkgs []inventory.Package) []inventory.Package {
	inv := &inventory.Inventory{Distro: distro, Packages: pkgs}
	if f, ok := a.(analysis.Finisher); ok {
		f.Finish(inv)
	}
	return inv.Packages
}

// Fuzz runs Analyze on data at path and fails only on an error that is not
// a per-file problem (Analyze must turn bad input into notes) or a panic.
func Fuzz(t *testing.T, a analysis.Analyzer, path string, data []byte) {
	in := Input(path, data)
	res, err := a.Analyze(context.Background(), in)
	if err != nil {
		return // a returned error is allowed; a panic is not
	}
	if res == nil {
		return
	}
	for _, p := range res.Packages {
		if p.Cataloger != a.Name() {
			t.Fatalf("package %q has cataloger %q, want %q", p.Name, p.Cataloger, a.Name())
		}
	}
}
