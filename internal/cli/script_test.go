package cli

import (
	"context"
	"os"
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

// TestScripts runs the command transcripts in testdata/script/*.txtar.
func TestScripts(t *testing.T) {
	testscript.Run(t, testutil.ScriptParams("testdata/script"))
}
