package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/sluice-dev/sluice/image"
	"github.com/sluice-dev/sluice/inventory"
)

// Image is an image as a Source: its files layer by layer, each with the
// diffID and index of the layer that holds it.
type Image struct {
	img  *image.Image
	opts image.LayerOptions
}

var _ Layered = (*Image)(nil)

// NewImage returns the Source of an opened image. opts bound every layer read.
func NewImage(img *image.Image, opts image.LayerOptions) *Image {
	return &Image{img: img, opts: opts}
}

// Image returns the underlying image (config, history, manifest).
func (s *Image) Image() *image.Image { return s.img }

// Metadata describes the image.
func (s *Image) Metadata() Metadata {
	name := s.img.Name
	return Metadata{Kind: "image", Name: name, Digest: s.img.ManifestDigest}
}

// Layers describes the layers with their build steps.
func (s *Image) Layers() []inventory.Layer {
	out := make([]inventory.Layer, len(s.img.Layers))
	for i, l := range s.img.Layers {
		out[i] = inventory.Layer{Index: i, Digest: l.Digest, DiffID: l.DiffID, Size: l.Size, CreatedBy: l.CreatedBy}
	}
	return out
}

// LayerFiles streams one layer (see Layered).
func (s *Image) LayerFiles(ctx context.Context, index int, ro LayerReadOptions, fn func(File) error) ([]string, error) {
	if index < 0 || index >= len(s.img.Layers) {
		return nil, fmt.Errorf("layer %d out of range (image has %d)", index, len(s.img.Layers))
	}
	l := s.img.Layers[index]
	opts := s.opts
	opts.Progress = ro.Progress
	stats, err := image.ReadLayer(ctx, l, opts, func(e *image.Entry) error {
		return fn(fileOf(e, l))
	})
	return stats.Problems, err
}

func fileOf(e *image.Entry, l image.Layer) File {
	f := File{Path: e.Path, Mode: e.Mode, Size: e.Size, Layer: l.DiffID, LayerIndex: l.Index}
	switch e.Kind {
	case image.KindWhiteout:
		f.Whiteout, f.Mode = true, 0
	case image.KindOpaque:
		f.Opaque, f.Mode = true, fs.ModeDir
	case image.KindSymlink, image.KindHardlink:
		f.Link = e.Link
	case image.KindFile:
		used := false
		return NewFile(f, func() (io.ReadCloser, error) {
			if used {
				return nil, errors.New("layer entry content was already read")
			}
			used = true
			return io.NopCloser(e), nil
		})
	}
	return f
}

// Files calls fn for every file of every layer, in layer order, with
// Deleted set on files a later layer hides. Whiteout and opaque markers are
// not delivered. Knowing what later layers delete takes a first pass over
// their headers, so a layer may be decompressed twice: the analysis driver
// reads Layered sources with one pass per layer instead.
func (s *Image) Files(ctx context.Context, fn func(File) error) error {
	n := len(s.img.Layers)
	changes := make([]*Changes, n)
	for i := 1; i < n; i++ {
		c := &Changes{}
		if _, err := s.LayerFiles(ctx, i, LayerReadOptions{}, func(f File) error { c.Add(f); return nil }); err != nil {
			return err
		}
		changes[i] = c
	}
	for i := range n {
		_, err := s.LayerFiles(ctx, i, LayerReadOptions{}, func(f File) error {
			if f.Whiteout || f.Opaque {
				return nil
			}
			f.Deleted = HiddenAfter(f.Path, i, changes)
			return fn(f)
		})
		if err != nil {
			return err
		}
	}
	return nil
}
