package source_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sluice-dev/sluice/image"
	"github.com/sluice-dev/sluice/internal/testutil"
	"github.com/sluice-dev/sluice/source"
)

// describe renders a file as "layer path [flags] content".
func describe(t *testing.T, f source.File) string {
	t.Helper()
	s := fmt.Sprintf("%d %s", f.LayerIndex, f.Path)
	if f.Deleted {
		s += " deleted"
	}
	if f.Link != "" {
		s += " -> " + f.Link
	}
	if f.Mode.IsRegular() && f.Link == "" {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		s += " = " + string(b)
	}
	return s
}

func openImage(t *testing.T, img v1.Image) *source.Image {
	t.Helper()
	dir := t.TempDir()
	testutil.WriteOCILayout(t, dir, map[string]v1.Image{"": img})
	opened, err := image.Open(context.Background(), dir, image.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { opened.Close() })
	return source.NewImage(opened, image.LayerOptions{})
}

func TestImageFilesWhiteouts(t *testing.T) {
	img := testutil.Image(t,
		testutil.Step{CreatedBy: "base", Layer: testutil.Layer(t, testutil.Files(map[string]string{
			"var/lib/dpkg/status": "Package: a",
			"etc/secret":          "s3cr3t",
			"opt/cache/x":         "x",
			"opt/keep":            "keep",
			"usr/lib/os-release":  "ID=debian",
			"etc/os-release":      "-> ../usr/lib/os-release",
		})...)},
		testutil.Step{CreatedBy: "change", Layer: testutil.Layer(t,
			testutil.Whiteout("etc/secret"),
			testutil.Opaque("opt/cache"),
			testutil.File{Path: "opt/cache/y", Content: "y"},
			testutil.File{Path: "var/lib/dpkg/status", Content: "Package: b"},
		)},
		testutil.Step{CreatedBy: "wipe dpkg", Layer: testutil.Layer(t, testutil.Whiteout("var/lib/dpkg"))},
	)
	src := openImage(t, img)
	var got []string
	if err := src.Files(context.Background(), func(f source.File) error {
		got = append(got, describe(t, f))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"0 etc/os-release -> ../usr/lib/os-release",
		"0 etc/secret deleted = s3cr3t",
		"0 opt/cache/x deleted = x",
		"0 opt/keep = keep",
		"0 usr/lib/os-release = ID=debian",
		"0 var/lib/dpkg/status deleted = Package: a",
		"1 opt/cache/y = y",
		"1 var/lib/dpkg/status deleted = Package: b",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	layers := src.Layers()
	if len(layers) != 3 || layers[2].CreatedBy != "wipe dpkg" || layers[1].DiffID == "" {
		t.Errorf("Layers() = %+v", layers)
	}
}

func TestChangesHides(t *testing.T) {
	c := source.NewChanges([]string{"usr/bin/x", "lib"}, []string{"etc/secret", "var/lib/dpkg"}, []string{"opt/cache"})
	tests := []struct {
		path string
		want bool
	}{
		{"usr/bin/x", true},            // rewritten
		{"usr/bin/y", false},           // untouched
		{"etc/secret", true},           // whiteout
		{"var/lib/dpkg/status", true},  // parent whited out
		{"opt/cache/a/b", true},        // under an opaque dir
		{"opt/cache", false},           // the opaque dir itself survives
		{"lib/x86_64/libc.so.6", true}, // parent replaced by a non-directory
		{"etc/secretary", false},       // a prefix is not a parent
	}
	for _, tt := range tests {
		if got := c.Hides(tt.path); got != tt.want {
			t.Errorf("Hides(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

func TestDirSkipsGitAndNeverFollowsLinks(t *testing.T) {
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "secret"), []byte("outside"), 0o644)
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, ".git", "objects"), 0o755)
	os.WriteFile(filepath.Join(dir, ".git", "config"), []byte("x"), 0o644)
	os.MkdirAll(filepath.Join(dir, "app"), 0o755)
	os.WriteFile(filepath.Join(dir, "app", "go.mod"), []byte("module x"), 0o644)
	os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "escape"))
	os.Symlink(outside, filepath.Join(dir, "escapedir"))
	var got []string
	err := source.NewDir(dir).Files(context.Background(), func(f source.File) error {
		got = append(got, describe(t, f))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"0 app",
		"0 app/go.mod = module x",
		"0 escape -> " + filepath.Join(outside, "secret"),
		"0 escapedir -> " + outside,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
}

// FuzzChangesHides checks that whatever a layer records, a path is hidden
// exactly when it or a parent is written over, deleted or (for parents)
// made opaque, and that nothing panics.
func FuzzChangesHides(f *testing.F) {
	f.Add("a/b/c", "a/b", "x", "a")
	f.Fuzz(func(t *testing.T, p, written, deleted, opaque string) {
		c := &source.Changes{}
		c.Add(source.File{Path: written})
		c.Add(source.File{Path: deleted, Whiteout: true})
		c.Add(source.File{Path: opaque, Opaque: true})
		got := c.Hides(p)
		if p == written || p == deleted {
			if !got {
				t.Fatalf("Hides(%q) = false for a path written or deleted", p)
			}
		}
	})
}
