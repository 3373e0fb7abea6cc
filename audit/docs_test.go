package audit

import (
	"github.com/sluice-dev/sluice/internal/testutil"
	"os"
	"path/filepath"
	"testing"
)

// TestRuleDocs fails when docs/rules/audit/*.md differ from the rule values;
// go test ./audit -update rewrites them.
func TestRuleDocs(t *testing.T) {
	dir := filepath.Join("..", "docs", "rules", "audit")
	want := map[string]bool{}
	for _, r := range Rules() {
		name := r.ID + ".md"
		want[name] = true
		path := filepath.Join(dir, name)
		got, _ := os.ReadFile(path)
		if string(got) == r.Markdown() {
			continue
		}
		if !testutil.Update() {
			t.Errorf("%s is out of date with the rule values: run go test ./audit -update", path)
			continue
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(r.Markdown()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !want[e.Name()] {
			t.Errorf("%s: no rule has this page", filepath.Join(dir, e.Name()))
		}
	}
}
