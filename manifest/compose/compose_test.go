package compose

import (
	"context"
	"os"
	"path/filepath"
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
	f := wanttest.Load(t, path, manifest.FormatCompose)
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
			wanttest.IDs(caught, want)
		})
	}
	var rules []manifest.Rule
	for _, r := range Rules() {
		rules = append(rules, r.Rule)
	}
	wanttest.CheckRules(t, rules, caught)
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
