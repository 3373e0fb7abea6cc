package catalogers

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNamesAndVersions(t *testing.T) {
	seen := map[string]bool{}
	for _, a := range All() {
		if a.Name() == "" || strings.ContainsAny(a.Name(), " /") {
			t.Errorf("%T: bad name %q", a, a.Name())
		}
		if seen[a.Name()] {
			t.Errorf("duplicate cataloger name %q", a.Name())
		}
		seen[a.Name()] = true
		if a.Version() < 1 {
			t.Errorf("%s: version %d, want >= 1", a.Name(), a.Version())
		}
	}
}

// TestListComplete keeps All() in step with the packages under inventory/:
// every cataloger package is listed exactly once, in sorted order.
func TestListComplete(t *testing.T) {
	entries, err := os.ReadDir("..")
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if !e.IsDir() || e.Name() == "catalogers" || e.Name() == "internal" {
			continue
		}
		if m, _ := filepath.Glob(filepath.Join("..", e.Name(), "*.go")); len(m) > 0 {
			dirs = append(dirs, e.Name())
		}
	}
	var listed []string
	for _, a := range All() {
		// The package path of the concrete type: *dpkg.Cataloger -> dpkg.
		typ := strings.TrimPrefix(strings.Split(typeName(a), ".")[0], "*")
		listed = append(listed, typ)
	}
	if !sort.StringsAreSorted(listed) {
		t.Errorf("All() is not sorted by package: %v", listed)
	}
	if diff := cmp.Diff(dirs, listed); diff != "" {
		t.Errorf("cataloger packages vs All() (-dirs +listed):\n%s", diff)
	}
}

func TestDocsListEveryCataloger(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "catalogers.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range All() {
		if !strings.Contains(string(doc), "`"+a.Name()+"`") {
			t.Errorf("docs/catalogers.md does not document %q", a.Name())
		}
	}
}

func typeName(v any) string { return fmt.Sprintf("%T", v) }

// TestWantsDisjoint walks every cataloger's testdata and checks that each
// file is wanted by the catalogers that own its format only: no two
// catalogers report the same lockfile twice. Executables are the one shared
// kind (go-binary and rust both look inside them).
func TestWantsDisjoint(t *testing.T) {
	shared := map[string]bool{"go-binary": true, "rust": true}
	err := filepath.WalkDir("..", func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || !strings.Contains(filepath.ToSlash(p), "/testdata/") {
			return err
		}
		st, err := d.Info()
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(p[strings.Index(filepath.ToSlash(p), "/testdata/")+len("/testdata/"):])
		var wanting []string
		for _, a := range All() {
			if a.Wants(rel, st.Mode(), st.Size()) && !shared[a.Name()] {
				wanting = append(wanting, a.Name())
			}
		}
		if len(wanting) > 1 {
			t.Errorf("%s is wanted by %v", rel, wanting)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
