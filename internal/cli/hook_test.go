package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, Stdio{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

func TestHookInstall(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v %s", err, out)
	}
	t.Chdir(dir)
	hook := dir + "/.git/hooks/pre-commit"

	if code, _, stderr := runCLI(t, "hook", "install", "--fail-on", "medium"); code != 0 {
		t.Fatalf("install exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(hook)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{hookMarker, "secrets --staged --fail-on medium", "lint --fail-on medium"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("hook lacks %q:\n%s", want, b)
		}
	}
	if st, _ := os.Stat(hook); st.Mode().Perm()&0o100 == 0 {
		t.Errorf("hook is not executable: %v", st.Mode())
	}
	if code, _, _ := runCLI(t, "hook", "install"); code != 0 {
		t.Fatalf("reinstall over our own hook: exit %d", code)
	}

	os.WriteFile(hook, []byte("#!/bin/sh\nmake check\n"), 0o755)
	code, _, stderr := runCLI(t, "hook", "install")
	if code != 2 || !strings.Contains(stderr, "--force") {
		t.Fatalf("foreign hook: exit %d, %q; want 2 and a hint about --force", code, stderr)
	}
	if b, _ := os.ReadFile(hook); !strings.Contains(string(b), "make check") {
		t.Fatal("foreign hook was overwritten")
	}
	if code, _, _ := runCLI(t, "hook", "install", "--force"); code != 0 {
		t.Fatalf("--force: exit %d", code)
	}
	if code, _, stderr := runCLI(t, "hook", "install", "--fail-on", "severe"); code != 2 || !strings.Contains(stderr, "unknown severity") {
		t.Fatalf("bad severity: exit %d, %q", code, stderr)
	}
}

func TestHookInstallOutsideRepo(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("GIT_CEILING_DIRECTORIES", os.TempDir())
	if code, _, stderr := runCLI(t, "hook", "install"); code != 2 || !strings.Contains(stderr, "not in a git repository") {
		t.Fatalf("exit %d, %q", code, stderr)
	}
}

func TestExitCodes(t *testing.T) {
	if code, out, _ := runCLI(t, "version"); code != 0 || !strings.Contains(out, "sluice") {
		t.Fatalf("version: %d %q", code, out)
	}
	if code, _, stderr := runCLI(t, "no-such-command"); code != 2 || !strings.Contains(stderr, "unknown command") {
		t.Fatalf("unknown command: %d %q", code, stderr)
	}
	if code, _, stderr := runCLI(t, "version", "--bogus"); code != 2 || !strings.Contains(stderr, "unknown flag") {
		t.Fatalf("unknown flag: %d %q", code, stderr)
	}
	t.Chdir(t.TempDir())
	os.WriteFile(".sluice.yaml", []byte("fail_onn: high\n"), 0o644)
	if code, _, stderr := runCLI(t, "version"); code != 2 || !strings.Contains(stderr, `.sluice.yaml:1: unknown key "fail_onn"`) {
		t.Fatalf("bad config: %d %q", code, stderr)
	}
}
