package sluice_test

import (
	"go/build"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/sluice-dev/sluice"

// layers is the table of DESIGN.md §2: a package may import our packages of
// lower layers only, or of its own layer within the same family (a rules or
// cataloger child importing its parent). A key ending in "/" matches every
// package below that path; an exact key wins over a prefix.
var layers = map[string]int{
	"finding": 0, "version": 0, "progress": 0, "internal/safeio": 0, "internal/atomicfile": 0, "internal/glob": 0, "internal/strictyaml": 0, "internal/netguard": 0,

	"inventory": 1, "image": 1, "dockerfile": 1, "dockerfile/": 1, "manifest": 1, "manifest/": 1,
	"vulndb": 1, "vulndb/": 1, "policy/exception": 1, "commitsig": 1,

	"source": 2, "sbom": 2, "report": 2, "sign": 2, "policy": 2,

	"analysis": 3,

	"inventory/": 4, "secrets": 4, "secrets/": 4,

	"audit": 5, "match": 5,

	"config": 6,

	"pipeline": 7,

	"server": 8, "server/": 8,

	"internal/cli": 9, "internal/testutil": 9,

	"cmd/sluice": 10,

	// demo helpers: programs the demo runs, importing none of ours.
	"demo/": 10,
}

// frontEndOnly are modules that only the CLI may import: engines stay
// libraries without flag parsing, assertion frameworks or a Docker client.
var frontEndOnly = []string{
	"github.com/spf13/cobra",
	"github.com/spf13/pflag",
	"github.com/stretchr/testify",
	"github.com/docker/docker/client",
	"github.com/moby/moby/client",
}

func layerOf(rel string) (int, bool) {
	if l, ok := layers[rel]; ok {
		return l, true
	}
	best, layer := "", 0
	for k, l := range layers {
		if strings.HasSuffix(k, "/") && strings.HasPrefix(rel, k) && len(k) > len(best) {
			best, layer = k, l
		}
	}
	return layer, best != ""
}

func family(rel string) string { return strings.SplitN(rel, "/", 2)[0] }

// packages returns every package directory of the module, relative to it.
func packages(t *testing.T) []string {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if path != "." && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
			return filepath.SkipDir
		}
		if matches, _ := filepath.Glob(filepath.Join(path, "*.go")); len(matches) > 0 {
			dirs = append(dirs, filepath.ToSlash(path))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}

func TestDependencyLayers(t *testing.T) {
	for _, dir := range packages(t) {
		if dir == "." || strings.HasPrefix(dir, "bench/") {
			continue
		}
		pkg, err := build.ImportDir(dir, 0)
		if err != nil {
			if _, ok := err.(*build.NoGoError); ok {
				continue
			}
			t.Errorf("%s: %v", dir, err)
			continue
		}
		from, ok := layerOf(dir)
		if !ok {
			t.Errorf("package %s is not in the layer table of deps_test.go (DESIGN.md §2): add it", dir)
			continue
		}
		for _, imp := range pkg.Imports {
			if from < 9 {
				for _, banned := range frontEndOnly {
					if imp == banned || strings.HasPrefix(imp, banned+"/") {
						t.Errorf("%s imports %s: only internal/cli may", dir, imp)
					}
				}
			}
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			rel := strings.TrimPrefix(imp, module+"/")
			to, ok := layerOf(rel)
			if !ok {
				t.Errorf("%s imports %s, which is not in the layer table", dir, rel)
				continue
			}
			if to > from || (to == from && family(rel) != family(dir)) {
				t.Errorf("%s (layer %d) imports %s (layer %d): imports must point down the layer table of DESIGN.md §2", dir, from, rel, to)
			}
		}
	}
}
