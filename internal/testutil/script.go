package testutil

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// ScriptMain is the TestMain of a package with testscript tests: it makes
// the command name run main in the test binary itself, so scripts run the
// real command without building it first. Call it as
//
//	func TestMain(m *testing.M) { testutil.ScriptMain(m, "sluice", func() int { ... }) }
func ScriptMain(m *testing.M, name string, main func() int) {
	testscript.Main(m, map[string]func(){
		name: func() { os.Exit(main()) },
	})
}

// ScriptParams returns the parameters to run the scripts in dir: a clean
// HOME and XDG cache per script, NO_COLOR set, commands run only through
// exec, and the extra command
//
//	exitcode N command [args...]
//
// which runs a command like exec and fails unless it exits with code N
// (exec and ! exec only tell zero from non-zero; sluice's 1 and 2 differ).
// With -update, failing cmp lines rewrite the script's expected files.
func ScriptParams(dir string) testscript.Params {
	return testscript.Params{
		Dir:                 dir,
		UpdateScripts:       Update(),
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			home := filepath.Join(env.WorkDir, ".home")
			env.Setenv("HOME", home)
			env.Setenv("XDG_CACHE_HOME", filepath.Join(home, ".cache"))
			env.Setenv("NO_COLOR", "1")
			return os.MkdirAll(home, 0o755)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exitcode": exitCode,
		},
	}
}

func exitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N command [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: %q is not a number", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exitcode: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}
