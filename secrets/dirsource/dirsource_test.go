package dirsource_test

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/secrets/dirsource"
	"github.com/sluice-dev/sluice/source"
)

func TestDir(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"a.txt": "a", "sub/b.txt": "bb", "build/out.log": "ignored", ".gitignore": "build/\n*.log\n", ".git/config": "x",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	list := func(d *dirsource.Dir) map[string]string {
		t.Helper()
		got := map[string]string{}
		err := d.Files(context.Background(), func(f source.File) error {
			rc, err := f.Open()
			if err != nil {
				return err
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			got[f.Path] = string(b)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	want := map[string]string{"a.txt": "a", "sub/b.txt": "bb", "build/out.log": "ignored", ".gitignore": "build/\n*.log\n"}
	if diff := cmp.Diff(want, list(&dirsource.Dir{Root: dir})); diff != "" {
		t.Errorf("walk (-want +got):\n%s", diff)
	}

	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	os.RemoveAll(filepath.Join(dir, ".git"))
	if out, err := exec.Command("git", "-C", dir, "init", "-q").CombinedOutput(); err != nil {
		t.Fatalf("git init: %v %s", err, out)
	}
	delete(want, "build/out.log")
	if diff := cmp.Diff(want, list(&dirsource.Dir{Root: dir, GitIgnore: true})); diff != "" {
		t.Errorf("gitignore (-want +got):\n%s", diff)
	}
	err := (&dirsource.Dir{Root: t.TempDir(), GitIgnore: true}).Files(context.Background(), func(source.File) error { return nil })
	if err == nil {
		t.Error("--gitignore outside a git work tree: no error")
	}
}
