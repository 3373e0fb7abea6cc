package sluice_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestPackageDocs keeps exactly one package doc comment per package, so
// `go doc` shows one coherent description and none goes stale in a copy.
func TestPackageDocs(t *testing.T) {
	for _, dir := range packages(t) {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		var withDoc []string
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.PackageClauseOnly|parser.ParseComments)
			if err != nil {
				t.Errorf("%s: %v", f, err)
				continue
			}
			if af.Doc != nil {
				withDoc = append(withDoc, filepath.Base(f))
			}
		}
		switch len(withDoc) {
		case 0:
			if dir != "." {
				t.Errorf("package %s has no package doc comment", dir)
			}
		case 1:
		default:
			t.Errorf("package %s has %d package doc comments (%v): keep one", dir, len(withDoc), withDoc)
		}
	}
}
