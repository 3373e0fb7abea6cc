// Package dirsource walks a directory as a source.Source for secret
// scanning: every regular file below the root (symlinks are not followed,
// .git is skipped), or, with GitIgnore, only the files git does not ignore
// (tracked and untracked, as git ls-files --exclude-standard lists them).
package dirsource

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sluice-dev/sluice/internal/netguard"
	"github.com/sluice-dev/sluice/source"
)

// Dir is a directory tree.
type Dir struct {
	Root string
	// GitIgnore lists files through git, honouring .gitignore,
	// .git/info/exclude and the global excludes file.
	GitIgnore bool
}

var _ source.Source = (*Dir)(nil)

// Metadata describes the target.
func (d *Dir) Metadata() source.Metadata { return source.Metadata{Kind: "dir", Name: d.Root} }

// Files calls fn for every regular file, in lexical order.
func (d *Dir) Files(ctx context.Context, fn func(source.File) error) error {
	if d.GitIgnore {
		return d.gitFiles(ctx, fn)
	}
	return filepath.WalkDir(d.Root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if p == d.Root {
				return fmt.Errorf("read %s: %w", d.Root, err)
			}
			return nil // unreadable subtree: skip, as find does
		}
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if e.IsDir() {
			if e.Name() == ".git" && p != d.Root {
				return filepath.SkipDir
			}
			return nil
		}
		if !e.Type().IsRegular() {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return nil
		}
		rel, err := filepath.Rel(d.Root, p)
		if err != nil {
			return nil
		}
		return fn(file(p, filepath.ToSlash(rel), info))
	})
}

func file(abs, rel string, info fs.FileInfo) source.File {
	return source.NewFile(source.File{Path: rel, Mode: info.Mode(), Size: info.Size()},
		func() (io.ReadCloser, error) { return os.Open(abs) })
}

func (d *Dir) gitFiles(ctx context.Context, fn func(source.File) error) error {
	cmd := netguard.Git(ctx, "-C", d.Root, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--deduplicate")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("--gitignore needs %s to be in a git work tree: git ls-files: %v: %s", d.Root, err, strings.TrimSpace(stderr.String()))
	}
	names := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	slices.Sort(names)
	for _, rel := range names {
		if err := ctx.Err(); err != nil {
			return err
		}
		if rel == "" {
			continue
		}
		abs := filepath.Join(d.Root, filepath.FromSlash(rel))
		info, err := os.Lstat(abs)
		if err != nil || !info.Mode().IsRegular() {
			continue // deleted in the work tree, or a symlink
		}
		if err := fn(file(abs, rel, info)); err != nil {
			return err
		}
	}
	return nil
}
