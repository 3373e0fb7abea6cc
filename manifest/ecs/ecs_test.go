package ecs

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
	"github.com/sluice-dev/sluice/manifest/internal/wanttest"
)

var testOpts = Options{Strict: true, AllowedRegistries: []string{"registry.example", "ghcr.io/acme"}}

func check(t *testing.T, path string, opts Options) finding.Result {
	t.Helper()
	f := wanttest.Load(t, path, manifest.FormatECS)
	res, err := Check(context.Background(), Find([]*manifest.File{f}), Rules(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestFixtures runs every rule over task definitions in each documented form:
// RegisterTaskDefinition input, describe-task-definition output, CodeDeploy's
// taskdef.json and CloudFormation in YAML and JSON.
func TestFixtures(t *testing.T) {
	caught := map[string]bool{}
	for _, name := range []string{"register.json", "describe.json", "taskdef.json", "cloudformation.yaml", "cloudformation.json", "good.json"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", name)
			want, err := wanttest.Want(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			res := check(t, path, testOpts)
			got := wanttest.Got(res.Findings, filepath.ToSlash(path), nil)
			if diff := cmp.Diff(want, got); diff != "" {
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

func TestFind(t *testing.T) {
	for _, tc := range []struct {
		file  string
		names []string
	}{
		{"register.json", []string{"web"}},
		{"describe.json", []string{"api"}},
		{"taskdef.json", []string{"ecs-demo"}},
		{"cloudformation.yaml", []string{"WorkerTask"}},
		{"cloudformation.json", []string{"reports"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			f, err := manifest.ReadFile(filepath.Join("testdata", tc.file), manifest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, td := range Find([]*manifest.File{f}) {
				got = append(got, td.Name)
			}
			if diff := cmp.Diff(tc.names, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestNotStrict(t *testing.T) {
	res := check(t, filepath.Join("testdata", "register.json"), Options{})
	for _, f := range res.Findings {
		if f.Rule == "ECS008" || f.Rule == "ECS009" {
			t.Errorf("%s reported without --strict / allowed registries", f.Rule)
		}
	}
}

func TestRootUser(t *testing.T) {
	for u, want := range map[string]bool{"root": true, "0": true, "0:0": true, "root:wheel": true, " 0 ": true,
		"1000": false, "1000:0": false, "app": false, "": false, "rootless": false} {
		if got := RootUser(u); got != want {
			t.Errorf("RootUser(%q) = %v, want %v", u, got, want)
		}
	}
}

func FuzzLoadECS(f *testing.F) {
	for _, n := range []string{"register.json", "cloudformation.yaml", "taskdef.json"} {
		data, err := readFixture(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := manifest.Load("fuzz.json", data, manifest.Options{MaxFileSize: 1 << 16, MaxDocuments: 16})
		if err != nil {
			return
		}
		file.Format = manifest.FormatECS
		if _, err := Check(context.Background(), Find([]*manifest.File{file}), Rules(), testOpts); err != nil {
			t.Fatal(err)
		}
	})
}
