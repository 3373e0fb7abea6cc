package source

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Dir is a directory tree as a Source. It reads through os.Root, so no
// symlink inside the tree can make it read outside; .git directories are
// skipped (git history is a source of its own).
type Dir struct {
	path string
}

var _ Source = (*Dir)(nil)

// NewDir returns the Source of a directory.
func NewDir(path string) *Dir { return &Dir{path: path} }

// Metadata describes the directory.
func (d *Dir) Metadata() Metadata { return Metadata{Kind: "dir", Name: d.path} }

// Files walks the tree in lexical order. Symlinks are delivered with their
// target (Link) and no content; they are never followed.
func (d *Dir) Files(ctx context.Context, fn func(File) error) error {
	root, err := os.OpenRoot(d.path)
	if err != nil {
		return fmt.Errorf("open directory %s: %w", d.path, err)
	}
	defer root.Close()
	return fs.WalkDir(root.FS(), ".", func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("walk %s: %w", filepath.Join(d.path, p), err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if p == "." {
			return nil
		}
		if de.IsDir() && de.Name() == ".git" {
			return fs.SkipDir
		}
		info, err := de.Info()
		if err != nil {
			return fmt.Errorf("stat %s: %w", filepath.Join(d.path, p), err)
		}
		f := File{Path: p, Mode: info.Mode(), Size: info.Size()}
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			f.Size = 0
			f.Link, _ = root.Readlink(p)
			return fn(f)
		case info.Mode().IsRegular():
			return fn(NewFile(f, func() (io.ReadCloser, error) { return root.Open(p) }))
		default:
			f.Size = 0
			return fn(f)
		}
	})
}
