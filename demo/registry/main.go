// Command registry serves go-containerregistry's in-process OCI registry on
// 127.0.0.1 for the demo, so signing, verification and promotion can be shown
// without Docker, network or a registry install. It picks a free port, prints
// "127.0.0.1:PORT" as its first line on stdout (and to -addr-file), seeds a
// small deterministic image and a two-platform index built from the files
// under -rootfs, and serves until interrupted. Requests are logged to stderr
// with -v only.
//
//	go run ./demo/registry -rootfs demo/sign/rootfs -seed demo/app:1.0 -seed-index demo/app:multi
package main

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"syscall"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

func main() {
	rootfs := flag.String("rootfs", "", "directory whose files make the seeded image's single layer")
	seed := flag.String("seed", "", "push the image as REPO:TAG (relative to this registry)")
	seedIndex := flag.String("seed-index", "", "push a linux/amd64 + linux/arm64 index as REPO:TAG")
	addrFile := flag.String("addr-file", "", "also write the address to FILE once the registry is ready")
	referrers := flag.Bool("referrers", true, "offer the OCI 1.1 referrers API (false: clients use the tag fallback)")
	verbose := flag.Bool("v", false, "log every request to stderr")
	flag.Parse()
	// The registry logs each request by default; the demo's output is
	// sluice's, so requests are logged only when asked.
	requests := log.New(io.Discard, "", 0)
	if *verbose {
		requests = log.New(os.Stderr, "registry: ", log.LstdFlags)
	}
	if err := run(*rootfs, *seed, *seedIndex, *addrFile, *referrers, requests); err != nil {
		fmt.Fprintln(os.Stderr, "registry:", err)
		os.Exit(1)
	}
}

func run(rootfs, seed, seedIndex, addrFile string, referrers bool, requests *log.Logger) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	srv := &http.Server{
		Handler:           registry.New(registry.Logger(requests), registry.WithReferrersSupport(referrers)),
		ReadHeaderTimeout: 10 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	if seed != "" || seedIndex != "" {
		if rootfs == "" {
			return errors.New("-seed needs -rootfs")
		}
		if err := push(addr, rootfs, seed, seedIndex); err != nil {
			return err
		}
	}
	fmt.Println(addr)
	if addrFile != "" {
		if err := os.WriteFile(addrFile, []byte(addr+"\n"), 0o644); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	select {
	case <-ctx.Done():
		return srv.Shutdown(context.Background())
	case err := <-errc:
		return err
	}
}

// image builds a deterministic single-layer image from dir for a platform.
func image(dir, arch string) (v1.Image, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		rel, _ := filepath.Rel(dir, p)
		hdr := &tar.Header{Name: filepath.ToSlash(rel), Mode: 0o644, Size: int64(len(b)), ModTime: time.Unix(0, 0).UTC(), Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(b); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		return nil, err
	}
	img, err := mutate.AppendLayers(mutate.MediaType(empty.Image, types.OCIManifestSchema1), layer)
	if err != nil {
		return nil, err
	}
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", arch
	cf.Config.Cmd = []string{"/bin/app"}
	return mutate.ConfigFile(img, cf)
}

func push(addr, rootfs, seed, seedIndex string) error {
	if seed != "" {
		img, err := image(rootfs, "amd64")
		if err != nil {
			return fmt.Errorf("build image from %s: %w", rootfs, err)
		}
		ref, err := name.ParseReference(addr + "/" + seed)
		if err != nil {
			return err
		}
		if err := remote.Write(ref, img); err != nil {
			return fmt.Errorf("push %s: %w", ref, err)
		}
	}
	if seedIndex != "" {
		idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
		for _, arch := range []string{"amd64", "arm64"} {
			img, err := image(rootfs, arch)
			if err != nil {
				return err
			}
			idx = mutate.AppendManifests(idx, mutate.IndexAddendum{
				Add:        img,
				Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: arch}},
			})
		}
		ref, err := name.ParseReference(addr + "/" + seedIndex)
		if err != nil {
			return err
		}
		if err := remote.WriteIndex(ref, idx); err != nil {
			return fmt.Errorf("push %s: %w", ref, err)
		}
	}
	return nil
}
