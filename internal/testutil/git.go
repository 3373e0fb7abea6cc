package testutil

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Git runs git with args and returns its trimmed output, failing the test
// on error.
func Git(t testing.TB, args ...string) string {
	t.Helper()
	out, err := exec.Command("git", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// PartialClone commits files (path → content) to a new repository and
// returns a blobless partial clone of it (git clone --filter=blob:none
// --no-checkout over file://): every blob is missing, and git fetches one
// from the origin by itself when something reads it. Tests use it to see
// whether git was allowed to reach a remote. It skips the test without git.
func PartialClone(t testing.TB, files map[string]string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	src, clone := filepath.Join(dir, "origin"), filepath.Join(dir, "clone")
	Git(t, "init", "-q", src)
	for p, content := range files {
		full := filepath.Join(src, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	Git(t, "-C", src, "add", ".")
	Git(t, "-C", src, "-c", "user.email=dev@example.com", "-c", "user.name=Dev", "commit", "-qm", "files")
	Git(t, "-C", src, "config", "uploadpack.allowfilter", "true")
	Git(t, "-C", src, "config", "uploadpack.allowanysha1inwant", "true")
	Git(t, "clone", "-q", "--no-checkout", "--filter=blob:none", "file://"+src, clone)
	return clone
}
