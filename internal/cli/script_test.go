package cli

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/sluice-dev/sluice/internal/testutil"
)

// TestMain lets scripts run `sluice` in this test binary (testscript.Main).
func TestMain(m *testing.M) {
	testutil.ScriptMain(m, "sluice", func() int {
		return Main(context.Background(), os.Args[1:], Stdio{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
	})
}

// TestScripts runs the command transcripts in testdata/script/*.txtar. Each
// script finds the demo image (demo/image/README.md) as an OCI layout in
// $WORK/image, built once for all of them, and the demo advisory data at
// $VULNDATA.
func TestScripts(t *testing.T) {
	demo := demoLayout(t)
	vulndata, err := filepath.Abs(demoData)
	if err != nil {
		t.Fatal(err)
	}
	p := testutil.ScriptParams("testdata/script")
	setup := p.Setup
	p.Setup = func(env *testscript.Env) error {
		if err := setup(env); err != nil {
			return err
		}
		env.Setenv("VULNDATA", vulndata)
		return os.CopyFS(filepath.Join(env.WorkDir, "image"), os.DirFS(demo))
	}
	testscript.Run(t, p)
}
