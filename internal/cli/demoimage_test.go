package cli

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// demoLayout builds the demo image (demo/image/README.md: Alpine 3.16 apk
// database, npm and PyPI lockfiles, an AWS key added in layer 2 and deleted
// in layer 3, a setuid entrypoint, root user, EXPOSE 22) as an OCI layout
// in a fresh directory, with demo/mkimage as demo/steps/05-image.sh does,
// and returns the layout's path. mkimage is deterministic, so digests are
// the same in every run.
func demoLayout(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("the go command builds the demo image: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "image")
	cmd := exec.Command(goBin, "run", "./demo/mkimage", "-o", dir, "-files", "demo/image/files")
	cmd.Dir = repoRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build the demo image: %v\n%s", err, out)
	}
	return dir
}
