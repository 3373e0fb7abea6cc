// Images built in-process for tests: layers from a list of files (including
// whiteouts, symlinks and hostile names), written as an OCI layout, an OCI
// archive or a docker-archive, or pushed to an in-process registry. No test
// needs Docker or the network.

package testutil

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/compression"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// File is one tar entry of a test layer. Exactly one of Content, Link,
// Hardlink or Dir describes it; names are written as given, so hostile names
// ("../x", "/etc/passwd") reach the reader unchanged.
type File struct {
	Path     string
	Content  string
	Mode     int64 // 0644 for files, 0755 for dirs when 0
	Link     string
	Hardlink string
	Dir      bool
	// Size overrides the header size (with zero bytes written) to make
	// large files without holding them in memory; 0 uses len(Content).
	Size int64
}

// Files turns a path→content map into Files in sorted order. A value
// starting with "-> " is a symlink to the rest of the value.
func Files(m map[string]string) []File {
	var out []File
	for p, c := range m {
		if t, ok := strings.CutPrefix(c, "-> "); ok {
			out = append(out, File{Path: p, Link: t})
			continue
		}
		out = append(out, File{Path: p, Content: c})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Whiteout is the entry that deletes p in a layer.
func Whiteout(p string) File {
	dir, base := filepath.Split(p)
	return File{Path: dir + ".wh." + base}
}

// Opaque is the entry that hides what lower layers put in dir.
func Opaque(dir string) File { return File{Path: strings.TrimSuffix(dir, "/") + "/.wh..wh..opq"} }

// Tar returns the uncompressed tar of files.
func Tar(t testing.TB, files ...File) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	mtime := time.Unix(1700000000, 0)
	for _, f := range files {
		h := &tar.Header{Name: f.Path, Mode: f.Mode, ModTime: mtime, Format: tar.FormatPAX}
		switch {
		case f.Dir:
			h.Typeflag = tar.TypeDir
			if h.Mode == 0 {
				h.Mode = 0o755
			}
		case f.Link != "":
			h.Typeflag, h.Linkname, h.Mode = tar.TypeSymlink, f.Link, 0o777
		case f.Hardlink != "":
			h.Typeflag, h.Linkname = tar.TypeLink, f.Hardlink
		default:
			h.Typeflag = tar.TypeReg
			h.Size = int64(len(f.Content))
			if f.Size > 0 {
				h.Size = f.Size
			}
			if h.Mode == 0 {
				h.Mode = 0o644
			}
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatalf("tar header %q: %v", f.Path, err)
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := io.WriteString(tw, f.Content); err != nil {
				t.Fatal(err)
			}
			if pad := h.Size - int64(len(f.Content)); pad > 0 {
				if _, err := io.CopyN(tw, zeros{}, pad); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// Layer is a gzip-compressed OCI layer of files.
func Layer(t testing.TB, files ...File) v1.Layer {
	t.Helper()
	return layerOf(t, Tar(t, files...), compression.GZip)
}

// ZstdLayer is a zstd-compressed OCI layer of files.
func ZstdLayer(t testing.TB, files ...File) v1.Layer {
	t.Helper()
	return layerOf(t, Tar(t, files...), compression.ZStd)
}

func layerOf(t testing.TB, tarball_ []byte, c compression.Compression) v1.Layer {
	t.Helper()
	opts := []tarball.LayerOption{tarball.WithCompression(c), tarball.WithCompressedCaching}
	if c == compression.ZStd {
		opts = append(opts, tarball.WithMediaType(types.OCILayerZStd))
	} else {
		opts = append(opts, tarball.WithMediaType(types.OCILayer))
	}
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(tarball_)), nil
	}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// Step is one history entry of a test image: a layer with the build step
// that made it, or (Layer nil) a metadata step such as ENV (empty_layer).
type Step struct {
	CreatedBy string
	Layer     v1.Layer
}

// Image builds a linux/amd64 OCI image from steps.
func Image(t testing.TB, steps ...Step) v1.Image {
	t.Helper()
	return PlatformImage(t, "linux/amd64", steps...)
}

// PlatformImage builds an image for platform (os/arch[/variant]).
func PlatformImage(t testing.TB, platform string, steps ...Step) v1.Image {
	t.Helper()
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	created := time.Unix(1700000000, 0).UTC()
	for _, s := range steps {
		if s.Layer == nil {
			continue
		}
		var err error
		img, err = mutate.Append(img, mutate.Addendum{Layer: s.Layer, MediaType: mustMediaType(t, s.Layer)})
		if err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cfg = cfg.DeepCopy()
	p, err := v1.ParsePlatform(platform)
	if err != nil {
		t.Fatal(err)
	}
	cfg.OS, cfg.Architecture, cfg.Variant = p.OS, p.Architecture, p.Variant
	cfg.Created = v1.Time{Time: created}
	cfg.History = nil
	for _, s := range steps {
		cfg.History = append(cfg.History, v1.History{CreatedBy: s.CreatedBy, EmptyLayer: s.Layer == nil, Created: v1.Time{Time: created}})
	}
	img, err = mutate.ConfigFile(img, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func mustMediaType(t testing.TB, l v1.Layer) types.MediaType {
	mt, err := l.MediaType()
	if err != nil {
		t.Fatal(err)
	}
	return mt
}

// Index is a multi-platform index of images, each annotated with its platform.
func Index(t testing.TB, imgs ...v1.Image) v1.ImageIndex {
	t.Helper()
	var adds []mutate.IndexAddendum
	for _, img := range imgs {
		cfg, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: cfg.Platform()}})
	}
	return mutate.AppendManifests(mutate.IndexMediaType(empty.Index, types.OCIImageIndex), adds...)
}

// WriteOCILayout writes images (tag → image) as an OCI layout in dir, each
// with its org.opencontainers.image.ref.name annotation. An empty tag writes
// no annotation.
func WriteOCILayout(t testing.TB, dir string, imgs map[string]v1.Image) {
	t.Helper()
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	tags := make([]string, 0, len(imgs))
	for tag := range imgs {
		tags = append(tags, tag)
	}
	sort.Strings(tags)
	for _, tag := range tags {
		var opts []layout.Option
		if tag != "" {
			opts = append(opts, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": tag}))
		}
		if err := p.AppendImage(imgs[tag], opts...); err != nil {
			t.Fatal(err)
		}
	}
}

// WriteOCILayoutIndex writes a multi-platform index as an OCI layout.
func WriteOCILayoutIndex(t testing.TB, dir string, idx v1.ImageIndex) {
	t.Helper()
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendIndex(idx); err != nil {
		t.Fatal(err)
	}
}

// WriteOCIArchive writes images as an OCI layout packed in a tar file.
func WriteOCIArchive(t testing.TB, file string, imgs map[string]v1.Image) {
	t.Helper()
	dir := t.TempDir()
	WriteOCILayout(t, dir, imgs)
	TarDir(t, dir, file)
}

// TarDir packs the regular files of dir into the tar file.
func TarDir(t testing.TB, dir, file string) {
	t.Helper()
	out, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	tw := tar.NewWriter(out)
	err = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || !fi.Mode().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if err := tw.WriteHeader(&tar.Header{Name: filepath.ToSlash(rel), Mode: 0o644, Size: fi.Size(), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(tw, f)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
}

// WriteDockerArchive writes images (reference → image) the way go-containerregistry
// and `docker save` of Docker 25+ do: compressed blobs named by digest.
func WriteDockerArchive(t testing.TB, file string, imgs map[string]v1.Image) {
	t.Helper()
	refs := map[name.Reference]v1.Image{}
	for tag, img := range imgs {
		r, err := name.ParseReference(tag)
		if err != nil {
			t.Fatal(err)
		}
		refs[r] = img
	}
	if err := tarball.MultiRefWriteToFile(file, refs); err != nil {
		t.Fatal(err)
	}
}

// WriteLegacyDockerArchive writes one image the way `docker save` did before
// Docker 25: uncompressed <id>/layer.tar files and <config-hex>.json, with a
// repeated layer stored as a symlink to its first copy.
func WriteLegacyDockerArchive(t testing.TB, file string, tag string, img v1.Image) {
	t.Helper()
	out, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	tw := tar.NewWriter(out)
	put := func(name string, b []byte) {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	cfgName, err := img.ConfigName()
	if err != nil {
		t.Fatal(err)
	}
	rawCfg, err := img.RawConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	put(cfgName.Hex+".json", rawCfg)
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	var paths []string
	for i, l := range layers {
		diffID, err := l.DiffID()
		if err != nil {
			t.Fatal(err)
		}
		p := fmt.Sprintf("%064x/layer.tar", i+1)
		paths = append(paths, p)
		if first, ok := seen[diffID.String()]; ok {
			if err := tw.WriteHeader(&tar.Header{Name: p, Typeflag: tar.TypeSymlink, Linkname: "../" + first, Mode: 0o777}); err != nil {
				t.Fatal(err)
			}
			continue
		}
		seen[diffID.String()] = p
		rc, err := l.Uncompressed()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		put(p, b)
	}
	m, err := json.Marshal([]map[string]any{{"Config": cfgName.Hex + ".json", "RepoTags": []string{tag}, "Layers": paths}})
	if err != nil {
		t.Fatal(err)
	}
	put("manifest.json", m)
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
}

// Registry starts an in-process registry and returns its host:port; it stops
// when the test ends.
func Registry(t testing.TB) string {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(nopLogger())))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// Push pushes an image or index (v1.Image or v1.ImageIndex) to ref on a
// plain-HTTP registry.
func Push(t testing.TB, ref string, what any) {
	t.Helper()
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	switch v := what.(type) {
	case v1.Image:
		err = remote.Write(r, v)
	case v1.ImageIndex:
		err = remote.WriteIndex(r, v)
	default:
		t.Fatalf("Push: %T is neither an image nor an index", what)
	}
	if err != nil {
		t.Fatal(err)
	}
}
