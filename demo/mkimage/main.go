// Command mkimage writes the demo image (demo/image/README.md) as an OCI
// layout, deterministically, from the files in demo/image/files. The demo
// builds it instead of checking in opaque blobs, so every byte of the image
// can be read and reviewed as text.
package main

import (
	"archive/tar"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// created is the fixed build time of every layer: the same input gives the
// same digests.
var created = time.Date(2024, 1, 15, 9, 30, 0, 0, time.UTC)

type file struct {
	path string
	mode int64
	src  string // file under demo/image/files; "" for an empty file or a directory
	dir  bool
}

type layer struct {
	createdBy string
	files     []file
}

var layers = []layer{
	{
		createdBy: "/bin/sh -c #(nop) ADD file:alpine-minirootfs-3.16.2-x86_64.tar.gz in / ",
		files: []file{
			{path: "etc", dir: true, mode: 0o755},
			{path: "etc/os-release", mode: 0o644, src: "os-release"},
			{path: "lib/apk/db", dir: true, mode: 0o755},
			{path: "lib/apk/db/installed", mode: 0o644, src: "apk-installed"},
			{path: "bin", dir: true, mode: 0o755},
			{path: "bin/busybox", mode: 0o755, src: "app.sh"},
			{path: "tmp", dir: true, mode: 0o1777},
		},
	},
	{
		createdBy: "COPY app/ /app/ # buildkit",
		files: []file{
			{path: "app", dir: true, mode: 0o755},
			{path: "app/package.json", mode: 0o644, src: "package.json"},
			{path: "app/package-lock.json", mode: 0o644, src: "package-lock.json"},
			{path: "app/requirements.txt", mode: 0o644, src: "requirements.txt"},
			{path: "usr/local/bin", dir: true, mode: 0o755},
			{path: "usr/local/bin/app", mode: 0o755, src: "app.sh"},
		},
	},
	{
		createdBy: "COPY .env /app/.env # buildkit",
		files:     []file{{path: "app/.env", mode: 0o600, src: "dot-env"}},
	},
	{
		createdBy: `RUN /bin/sh -c curl -fsSL -H "Authorization: token ghp_Zx9Qw2Er4Ty6Ui8Op0As2Df4Gh6Jk8Lz1Xc3" https://example.invalid/setup.sh -o /tmp/setup.sh && rm /app/.env && chmod u+s /usr/local/bin/app # buildkit`,
		files: []file{
			{path: "app/.wh..env", mode: 0o644},
			{path: "usr/local/bin/app", mode: 0o4755, src: "app.sh"},
		},
	},
}

func main() {
	out := flag.String("o", "", "write the OCI layout to this directory")
	src := flag.String("files", "demo/image/files", "directory of the image's file contents")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "usage: mkimage -o DIR [-files demo/image/files]")
		os.Exit(2)
	}
	if err := run(*out, *src); err != nil {
		fmt.Fprintln(os.Stderr, "mkimage:", err)
		os.Exit(1)
	}
}

func run(out, src string) error {
	img := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	for _, l := range layers {
		data, err := tarLayer(l, src)
		if err != nil {
			return err
		}
		tl, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
			tarball.WithMediaType(types.OCILayer))
		if err != nil {
			return err
		}
		img, err = mutate.Append(img, mutate.Addendum{Layer: tl, History: v1.History{
			Created: v1.Time{Time: created}, CreatedBy: l.createdBy,
		}})
		if err != nil {
			return err
		}
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return err
	}
	cfg = cfg.DeepCopy()
	cfg.Architecture, cfg.OS = "amd64", "linux"
	cfg.Created = v1.Time{Time: created}
	cfg.Config.Env = []string{
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"NODE_ENV=production",
		"DB_PASSWORD=Sup3rS3cretDemoPassw0rd!",
	}
	cfg.Config.ExposedPorts = map[string]struct{}{"22/tcp": {}, "8080/tcp": {}}
	cfg.Config.Entrypoint = []string{"/usr/local/bin/app"}
	cfg.Config.WorkingDir = "/app"
	if img, err = mutate.ConfigFile(img, cfg); err != nil {
		return err
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	p, err := layout.Write(out, empty.Index)
	if err != nil {
		return err
	}
	return p.AppendImage(img, layout.WithAnnotations(map[string]string{
		"org.opencontainers.image.ref.name": "demo/app:1.0",
	}))
}

// tarLayer writes a layer's files as a tar stream with fixed metadata.
func tarLayer(l layer, src string) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range l.files {
		h := &tar.Header{Name: f.path, Mode: f.mode, ModTime: created, Uname: "root", Gname: "root", Format: tar.FormatPAX}
		var body []byte
		switch {
		case f.dir:
			h.Typeflag, h.Name = tar.TypeDir, f.path+"/"
		case f.src != "":
			b, err := os.ReadFile(filepath.Join(src, f.src))
			if err != nil {
				return nil, err
			}
			body = b
			h.Typeflag, h.Size = tar.TypeReg, int64(len(b))
		default:
			h.Typeflag = tar.TypeReg
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(body); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
