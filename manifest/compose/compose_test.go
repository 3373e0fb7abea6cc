package compose

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
	"github.com/sluice-dev/sluice/manifest/internal/wanttest"
)

var testOpts = Options{Strict: true, AllowedRegistries: []string{"registry.example"}}

func check(t testing.TB, path string, opts Options) finding.Result {
	t.Helper()
	f, err := manifest.ReadFile(path, manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Format != manifest.FormatCompose {
		t.Fatalf("%s: detected as %q, want compose", path, f.Format)
	}
	res, err := Check(context.Background(), Services([]*manifest.File{f}), Rules(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestFixtures(t *testing.T) {
	caught := map[string]bool{}
	for _, name := range []string{"catch.compose.yaml", "pass.compose.yaml"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", name)
			want, err := wanttest.Want(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(name, "pass") && len(want) > 0 {
				t.Fatal("a pass fixture expects nothing")
			}
			res := check(t, path, testOpts)
			if diff := cmp.Diff(want, wanttest.Got(res.Findings, filepath.ToSlash(path), nil)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			for _, w := range want {
				caught[strings.Fields(w)[1]] = true
			}
		})
	}
	seen := map[string]bool{}
	for _, r := range Rules() {
		if seen[r.ID] {
			t.Errorf("duplicate rule %s", r.ID)
		}
		seen[r.ID] = true
		if !caught[r.ID] {
			t.Errorf("rule %s has no catch fixture", r.ID)
		}
		if r.Title == "" || len(r.Help) < 40 || r.Version < 1 || r.Severity == finding.SeverityUnknown {
			t.Errorf("%s: title, help, version and severity are required", r.ID)
		}
	}
	if !slices.IsSortedFunc(Rules(), func(a, b Rule) int { return strings.Compare(a.ID, b.ID) }) {
		t.Error("Rules() is not sorted by ID")
	}
}

// TestCorpus runs over the real Compose files of the shared corpus: every
// file is detected as Compose and checked without error.
func TestCorpus(t *testing.T) {
	dir, ok := wanttest.Shared(2, "corpus", "compose")
	if !ok {
		t.Skip("shared corpus (../shared/corpus/compose) absent")
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(paths) == 0 {
		t.Skip("empty corpus")
	}
	for _, p := range paths {
		res := check(t, p, testOpts)
		for _, f := range res.Findings {
			if f.Location.Line == 0 {
				t.Errorf("%s: %s without a line", p, f.Rule)
			}
		}
	}
}

func FuzzLoadCompose(f *testing.F) {
	for _, n := range []string{"catch.compose.yaml", "pass.compose.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := manifest.Load("compose.yaml", data, manifest.Options{MaxFileSize: 1 << 16, MaxDocuments: 16})
		if err != nil {
			return
		}
		file.Format = manifest.FormatCompose
		if _, err := Check(context.Background(), Services([]*manifest.File{file}), Rules(), testOpts); err != nil {
			t.Fatal(err)
		}
	})
}
