package source

import (
	"context"
	"path"
	"slices"
	"strings"

	"github.com/sluice-dev/sluice/inventory"
)

// Layered is a Source made of image layers that can be read independently
// and in parallel: the analysis driver reads each layer once, caches what it
// found by diffID, and applies the layers in order with Changes.
type Layered interface {
	Source
	// Layers describes the layers, bottom first, with their build steps.
	Layers() []inventory.Layer
	// LayerFiles calls fn for every entry of one layer, in archive order,
	// including whiteout and opaque markers (File.Whiteout, File.Opaque).
	// Deleted is never set here: whether a later layer hides a file is for
	// the caller to decide with Changes. File.Open is valid only during fn.
	// It returns the entries that were skipped as hostile (path traversal)
	// as notes.
	LayerFiles(ctx context.Context, index int, opts LayerReadOptions, fn func(File) error) (notes []string, err error)
}

// LayerReadOptions tune one read of a layer.
type LayerReadOptions struct {
	// Progress is called with decompressed bytes as the layer is read.
	Progress func(n int64)
}

// Changes is what one layer does to the paths of the layers below it: the
// non-directory entries it writes (replacing lower versions), the paths it
// deletes (whiteouts) and the directories it makes opaque.
type Changes struct {
	written map[string]struct{}
	deleted map[string]struct{}
	opaque  map[string]struct{}
}

// NewChanges builds Changes from path lists (as cached).
func NewChanges(written, deleted, opaque []string) *Changes {
	c := &Changes{written: set(written), deleted: set(deleted), opaque: set(opaque)}
	return c
}

func set(list []string) map[string]struct{} {
	m := make(map[string]struct{}, len(list))
	for _, p := range list {
		m[p] = struct{}{}
	}
	return m
}

// Add records one entry of the layer.
func (c *Changes) Add(f File) {
	if c.written == nil {
		c.written, c.deleted, c.opaque = map[string]struct{}{}, map[string]struct{}{}, map[string]struct{}{}
	}
	switch {
	case f.Whiteout:
		c.deleted[f.Path] = struct{}{}
	case f.Opaque:
		c.opaque[f.Path] = struct{}{}
	case f.Mode.IsDir():
	default:
		c.written[f.Path] = struct{}{}
	}
}

// Lists returns the recorded paths, sorted, for caching.
func (c *Changes) Lists() (written, deleted, opaque []string) {
	return sortedKeys(c.written), sortedKeys(c.deleted), sortedKeys(c.opaque)
}

func sortedKeys(m map[string]struct{}) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Hides reports whether this layer hides path p of a lower layer: it writes
// p again, deletes p or one of its parents, makes a parent opaque, or puts a
// non-directory where a parent directory was.
func (c *Changes) Hides(p string) bool {
	if c == nil {
		return false
	}
	if _, ok := c.written[p]; ok {
		return true
	}
	if _, ok := c.deleted[p]; ok {
		return true
	}
	for dir := path.Dir(p); dir != "." && dir != "/" && dir != ""; dir = path.Dir(dir) {
		if _, ok := c.deleted[dir]; ok {
			return true
		}
		if _, ok := c.opaque[dir]; ok {
			return true
		}
		if _, ok := c.written[dir]; ok {
			return true
		}
	}
	return false
}

// HiddenAfter reports whether p, as put by layer index, is hidden by any of
// the layers above it.
func HiddenAfter(p string, index int, layers []*Changes) bool {
	for _, c := range layers[min(index+1, len(layers)):] {
		if c.Hides(p) {
			return true
		}
	}
	return false
}

// Within reports whether p is dir or below it.
func Within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, dir+"/")
}
