package dockerfile_test

import (
	"context"
	"encoding/json"
	"github.com/sluice-dev/sluice/internal/testutil"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/dockerfile/rules"
	"github.com/sluice-dev/sluice/finding"
)

// TestGolden lints each testdata Dockerfile with every rule and compares the
// normalized findings with testdata/<name>.golden.json.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.Dockerfile")
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".Dockerfile")
		t.Run(name, func(t *testing.T) {
			fh, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			fs, err := dockerfile.LintReader(context.Background(), filepath.Base(path), fh, rules.All(), dockerfile.Options{Strict: true})
			if err != nil {
				t.Fatal(err)
			}
			res := finding.Result{Findings: fs}
			res.Normalize()
			got, err := json.MarshalIndent(res.Findings, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", name+".golden.json")
			if testutil.Update() {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./dockerfile -run TestGolden -update)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", golden, diff)
			}
		})
	}
}
