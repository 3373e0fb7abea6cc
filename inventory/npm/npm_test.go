package npm

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/inventory/internal/catalogertest"
)

// The same project (testdata/*/package.json) locked by each tool: seven
// packages, ms twice (2.1.3 at the top, 2.0.0 nested under debug).
var locked = []string{
	"@sindresorhus/is@4.0.0", "debug@2.6.8", "left-pad@1.3.0", "lodash@4.17.20",
	"minimist@1.2.5", "ms@2.0.0", "ms@2.1.3",
}

var licences = map[string]string{
	"@sindresorhus/is@4.0.0": "MIT", "debug@2.6.8": "MIT", "left-pad@1.3.0": "WTFPL", "lodash@4.17.20": "MIT",
	"minimist@1.2.5": "MIT", "ms@2.0.0": "MIT", "ms@2.1.3": "MIT",
}

func TestTestdata(t *testing.T) {
	tests := []struct {
		dir          string
		wanted       []string
		withLicences bool
	}{
		{"package-lock-v1", []string{"package-lock.json"}, false},
		{"package-lock-v2", []string{"package-lock.json"}, true},
		{"package-lock-v3", []string{"package-lock.json"}, true},
		{"yarn-classic", []string{"yarn.lock"}, false},
		{"yarn-berry", []string{"yarn.lock"}, false},
		{"pnpm-v5", []string{"pnpm-lock.yaml"}, false},
		{"pnpm-v6", []string{"pnpm-lock.yaml"}, false},
		{"pnpm-v9", []string{"pnpm-lock.yaml"}, false},
		{"installed", []string{
			"node_modules/@sindresorhus/is/package.json",
			"node_modules/debug/node_modules/ms/package.json",
			"node_modules/debug/package.json",
			"node_modules/left-pad/package.json",
			"node_modules/lodash/package.json",
			"node_modules/minimist/package.json",
			"node_modules/ms/package.json",
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			res := catalogertest.RunWanting(t, New(), filepath.Join("testdata", tt.dir), tt.wanted)
			if len(res.Notes) != 0 {
				t.Errorf("notes: %q", res.Notes)
			}
			var got []string
			gotLic := map[string]string{}
			for _, p := range res.Packages {
				id := p.Name + "@" + p.Version
				got = append(got, id)
				if len(p.Licenses) > 0 {
					gotLic[id] = p.Licenses[0]
				}
				if p.Ecosystem != inventory.NPM || p.Type != "npm" || p.Cataloger != Name || len(p.Locations) != 1 {
					t.Errorf("%s: %+v", id, p)
				}
			}
			if tt.dir == "installed" {
				// One file per package: the driver merges; sort here.
				sortStrings(got)
			}
			if diff := cmp.Diff(locked, got); diff != "" {
				t.Errorf("packages (-want +got):\n%s", diff)
			}
			if tt.withLicences {
				if diff := cmp.Diff(licences, gotLic); diff != "" {
					t.Errorf("licences (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func TestPURL(t *testing.T) {
	for _, tt := range [][3]string{
		{"@sindresorhus/is", "4.0.0", "pkg:npm/%40sindresorhus/is@4.0.0"},
		{"lodash", "4.17.20", "pkg:npm/lodash@4.17.20"},
	} {
		if got := PURL(tt[0], tt[1]); got != tt[2] {
			t.Errorf("PURL(%s, %s) = %s, want %s", tt[0], tt[1], got, tt[2])
		}
	}
}

func TestWants(t *testing.T) {
	c := New()
	for _, tt := range []struct {
		path string
		want bool
	}{
		{"app/package-lock.json", true},
		{"npm-shrinkwrap.json", true},
		{"srv/yarn.lock", true},
		{"pnpm-lock.yaml", true},
		{"app/node_modules/lodash/package.json", true},
		{"node_modules/@babel/core/package.json", true},
		{"node_modules/a/node_modules/@s/b/package.json", true},
		{"app/package.json", false},
		{"node_modules/lodash/test/package.json", false},
		{"node_modules/.package-lock.json", false},
		{"node_modules/@scope/package.json", false},
		{"node_modules/x/package-lock.json", false},
		{"node_modules/.bin/package.json", false},
	} {
		if got := c.Wants(tt.path, 0o644, 100); got != tt.want {
			t.Errorf("Wants(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

func TestSpecialEntries(t *testing.T) {
	tests := []struct {
		name, path, data string
		want             []string
	}{
		{"v3-alias-link-workspace", "package-lock.json", `{"lockfileVersion":3,"packages":{
			"":{"name":"root"},
			"packages/a":{"name":"a","version":"1.0.0"},
			"node_modules/a":{"resolved":"packages/a","link":true},
			"node_modules/str":{"name":"string-width","version":"4.2.3"},
			"node_modules/git":{"version":"git+ssh://git@github.com/x/y.git#abc"}}}`,
			[]string{"string-width@4.2.3"}},
		{"v1-alias", "package-lock.json", `{"lockfileVersion":1,"dependencies":{"sw":{"version":"npm:string-width@4.2.3"},"f":{"version":"file:../f"}}}`,
			[]string{"string-width@4.2.3"}},
		{"yarn-classic-alias", "yarn.lock", "# yarn lockfile v1\n\n\"sw@npm:string-width@^4\":\n  version \"4.2.3\"\n  dependencies:\n    version \"9\"\n",
			[]string{"string-width@4.2.3"}},
		{"pnpm-v6-peer", "pnpm-lock.yaml", "lockfileVersion: '6.0'\npackages:\n  /react-dom@18.2.0(react@18.2.0):\n    resolution: {integrity: x}\n  /@types/node@20.1.0:\n    dev: true\n",
			[]string{"@types/node@20.1.0", "react-dom@18.2.0"}},
		{"pnpm-v5-peer", "pnpm-lock.yaml", "lockfileVersion: 5.4\npackages:\n  /react-dom/18.2.0_react@18.2.0:\n    dev: false\n  /@types/node/20.1.0:\n    dev: true\n",
			[]string{"@types/node@20.1.0", "react-dom@18.2.0"}},
		{"pnpm-tarball", "pnpm-lock.yaml", "lockfileVersion: '9.0'\npackages:\n  foo@https://x/foo.tgz:\n    name: foo\n    version: 1.2.3\n  bar@file:../bar:\n    resolution: {directory: ../bar}\n",
			[]string{"foo@1.2.3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := New().Analyze(context.Background(), catalogertest.Input(tt.path, []byte(tt.data)))
			if err != nil {
				t.Fatal(err)
			}
			got := catalogertest.IDs(res.Packages)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s\nnotes: %q", diff, res.Notes)
			}
		})
	}
}

func TestMalformed(t *testing.T) {
	for path, data := range map[string]string{
		"package-lock.json":           `{"packages": [}`,
		"pnpm-lock.yaml":              "packages: [\n",
		"yarn.lock":                   "__metadata:\n  version: 8\n\"a@npm:1\": [\n",
		"node_modules/x/package.json": `{"name": "x"}`,
	} {
		res, err := New().Analyze(context.Background(), catalogertest.Input(path, []byte(data)))
		if err != nil || len(res.Notes) != 1 {
			t.Errorf("%s: err %v, notes %q; want one note", path, err, res.Notes)
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	for _, p := range []string{"package-lock-v1/package-lock.json", "package-lock-v3/package-lock.json", "yarn-classic/yarn.lock", "yarn-berry/yarn.lock", "pnpm-v5/pnpm-lock.yaml", "pnpm-v9/pnpm-lock.yaml", "installed/node_modules/debug/package.json"} {
		f.Add(uint8(len(p)), catalogertest.Testdata(f, p))
	}
	paths := []string{"package-lock.json", "yarn.lock", "pnpm-lock.yaml", "node_modules/x/package.json"}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		catalogertest.Fuzz(t, New(), paths[int(which)%len(paths)], data)
	})
}

func BenchmarkPackageLock(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "package-lock-v3", "package-lock.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := parsePackageLock(context.Background(), data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkYarnClassic(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "yarn-classic", "yarn.lock"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := parseYarnLock(context.Background(), data); err != nil {
			b.Fatal(err)
		}
	}
}
