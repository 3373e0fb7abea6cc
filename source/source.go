// Package source turns a target (a directory, a git history, an image) into
// a stream of files with provenance: path, mode, size, the image layer or git
// commit that holds them, and whether a later layer deleted them. Engines read
// files only through it, so every target kind works with every engine.
package source

import (
	"context"
	"errors"
	"io"
	"io/fs"
)

// File is one file of a target. Path is slash-separated, relative to the
// target root, without a leading slash; it never contains "..".
type File struct {
	Path string
	Mode fs.FileMode
	Size int64
	// Link is the target of a symlink, as stored (not resolved), or for a
	// hard link in an image layer the in-root path it links to (such a File
	// has no content of its own).
	Link string
	// Layer is the diffID of the image layer holding this version of the
	// file, and LayerIndex its 0-based position; empty for non-image targets.
	Layer      string
	LayerIndex int
	// Deleted is true when a later layer removed the file (whiteout, opaque
	// directory or replacement): it is not in the running container.
	Deleted bool
	// Commit is the git commit that introduced this blob (history sources).
	Commit string
	// Whiteout and Opaque appear only in per-layer streams (Layered): a
	// whiteout File says this layer deletes Path from the layers below; an
	// opaque File says it hides everything the layers below put in directory
	// Path. Neither has content.
	Whiteout bool
	Opaque   bool

	open func() (io.ReadCloser, error)
}

// NewFile returns a File whose content is read by open. open may be called at
// most once per File by the reader that receives it.
func NewFile(f File, open func() (io.ReadCloser, error)) File {
	f.open = open
	return f
}

// ErrNoContent is returned by Open for files that carry no bytes (dirs,
// symlinks, whiteouts) or whose content was not kept.
var ErrNoContent = errors.New("file has no content")

// Open returns the file's content. Readers must close it.
func (f File) Open() (io.ReadCloser, error) {
	if f.open == nil {
		return nil, ErrNoContent
	}
	return f.open()
}

// Source is a target as a stream of files.
type Source interface {
	// Files calls fn for every file of the target. For layered targets files
	// come layer by layer, in layer order. fn returning an error stops the walk
	// and Files returns that error.
	Files(ctx context.Context, fn func(File) error) error
	// Metadata describes the target.
	Metadata() Metadata
}

// Metadata describes a target.
type Metadata struct {
	Kind   string // dir, git, image, sbom
	Name   string // as the user gave it
	Digest string // manifest digest for images
}
