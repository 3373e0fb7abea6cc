// Package image opens container images in every form a pipeline has, without
// a Docker daemon: OCI layout directories, OCI archives, docker-archive
// tarballs (`docker save`, several images per file) and registry references
// (go-containerregistry). It exposes the manifest digest, the config, the
// history step of each layer, and reads each layer exactly once as a stream of
// tar entries: paths cleaned inside the image root, OCI whiteouts decoded,
// entry count, path length, decompressed size and compression ratio bounded,
// and the layer's diffID verified, with every error naming the layer.
package image

import (
	"errors"
	"fmt"
	"io"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Image is an opened image: its metadata and its layers, bottom first.
// Close releases the archive file or connection behind it.
type Image struct {
	// Name is the target as the user gave it.
	Name string
	// Kind is the form it was read from: oci-dir, oci-archive,
	// docker-archive or registry.
	Kind string
	// Tag is the reference the image was chosen by, when the source holds
	// several (a tag in an archive or a registry reference).
	Tag string
	// ManifestDigest is the digest of the image manifest ("sha256:…"); empty
	// for legacy docker-archives, which carry no manifest.
	ManifestDigest string
	// ConfigDigest is the digest of the config blob.
	ConfigDigest string
	// Platform is os/arch[/variant] from the config.
	Platform string
	Config   *v1.ConfigFile
	// RawConfig is the config blob as stored.
	RawConfig []byte
	// Annotations are the image manifest's annotations (the base image name
	// and digest BuildKit records, say); nil for docker-archives older than
	// Docker 25, which carry no manifest.
	Annotations map[string]string
	Layers      []Layer
	// Notes are facts the user should know about how the image was chosen
	// (the default platform of a multi-arch index, say).
	Notes []string

	closers []io.Closer
}

// Layer is one filesystem layer of an image.
type Layer struct {
	Index int
	// Digest is the digest of the blob as stored (compressed for OCI and
	// registry images; the tar itself for old docker-archives).
	Digest string
	// DiffID is the digest of the uncompressed tar, from the config's
	// rootfs.diff_ids; reading the layer verifies it.
	DiffID    string
	Size      int64
	MediaType string
	// CreatedBy is the build step that made this layer (history.created_by).
	CreatedBy string

	open func() (io.ReadCloser, error)
}

// Open returns the layer blob as stored (compressed or not). ReadLayer is the
// bounded way to read its files.
func (l Layer) Open() (io.ReadCloser, error) {
	if l.open == nil {
		return nil, fmt.Errorf("layer %s: no content", l.DiffID)
	}
	return l.open()
}

// Close releases the files behind the image.
func (img *Image) Close() error {
	var errs []error
	for _, c := range img.closers {
		errs = append(errs, c.Close())
	}
	img.closers = nil
	return errors.Join(errs...)
}

// finish checks the layer list against the config and maps history steps to
// layers. Every image constructor ends with it.
func (img *Image) finish() error {
	if img.Config == nil {
		return errors.New("image has no config")
	}
	diffIDs := img.Config.RootFS.DiffIDs
	if len(diffIDs) != len(img.Layers) {
		return fmt.Errorf("config lists %d layers (rootfs.diff_ids) but the manifest has %d", len(diffIDs), len(img.Layers))
	}
	for i := range img.Layers {
		img.Layers[i].Index = i
		img.Layers[i].DiffID = diffIDs[i].String()
	}
	steps := CreatedBy(img.Config.History, len(img.Layers))
	for i := range img.Layers {
		img.Layers[i].CreatedBy = steps[i]
	}
	if p := img.Config.Platform(); p != nil && p.OS != "" {
		img.Platform = platformString(*p)
	}
	return nil
}

// CreatedBy maps history entries to layers: entries marked empty_layer made
// no layer (ENV, LABEL, ...), every other entry made the next layer. When the
// history and the layers disagree in number the unmatched layers get "".
func CreatedBy(history []v1.History, layers int) []string {
	out := make([]string, layers)
	i := 0
	for _, h := range history {
		if h.EmptyLayer {
			continue
		}
		if i >= layers {
			break
		}
		out[i] = cleanCreatedBy(h.CreatedBy)
		i++
	}
	return out
}

// cleanCreatedBy makes a history step read like its Dockerfile instruction:
// the classic builder's "/bin/sh -c #(nop) COPY ..." becomes "COPY ...", its
// "/bin/sh -c apt-get ..." becomes "RUN apt-get ...", and BuildKit's
// trailing "# buildkit" marker is dropped.
func cleanCreatedBy(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimSuffix(s, "# buildkit"))
	if rest, ok := strings.CutPrefix(s, "/bin/sh -c #(nop) "); ok {
		return strings.TrimSpace(rest)
	}
	if rest, ok := strings.CutPrefix(s, "/bin/sh -c "); ok {
		return "RUN " + strings.TrimSpace(rest)
	}
	if rest, ok := strings.CutPrefix(s, "RUN /bin/sh -c "); ok {
		return "RUN " + strings.TrimSpace(rest)
	}
	return s
}

func platformString(p v1.Platform) string {
	s := p.OS + "/" + p.Architecture
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}

// NewLayer returns l reading its blob through open: images built by other
// code, and tests of hostile blobs.
func NewLayer(l Layer, open func() (io.ReadCloser, error)) Layer {
	l.open = open
	return l
}
