// Command mkimage builds the bench image archive from root filesystem
// directories, one gzip layer per directory (compressed at the default level,
// as docker build does), and writes it as a docker-archive and an OCI layout,
// without Docker.
//
//	go run ./bench/sbom/mkimage -o image.tar -oci layout/ -tag bench/debian:12 base/ app/
package main

import (
	"archive/tar"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

func main() {
	out := flag.String("o", "image.tar", "docker-archive to write")
	oci := flag.String("oci", "", "also write an OCI layout to this directory")
	tag := flag.String("tag", "bench/image:latest", "image reference")
	flag.Parse()
	if err := run(*out, *oci, *tag, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "mkimage:", err)
		os.Exit(1)
	}
}

func run(out, oci, tag string, dirs []string) error {
	if len(dirs) == 0 {
		return fmt.Errorf("give at least one root filesystem directory")
	}
	img := empty.Image
	var history []v1.History
	for _, dir := range dirs {
		tmp, err := os.CreateTemp("", "layer-*.tar")
		if err != nil {
			return err
		}
		defer os.Remove(tmp.Name())
		if err := tarDir(dir, tmp); err != nil {
			return fmt.Errorf("%s: %w", dir, err)
		}
		tmp.Close()
		l, err := tarball.LayerFromFile(tmp.Name(), tarball.WithCompressionLevel(gzip.DefaultCompression))
		if err != nil {
			return err
		}
		img, err = mutate.AppendLayers(img, l)
		if err != nil {
			return err
		}
		history = append(history, v1.History{CreatedBy: "ADD " + filepath.Base(filepath.Clean(dir)) + " /", Created: v1.Time{Time: time.Unix(1700000000, 0)}})
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return err
	}
	cfg = cfg.DeepCopy()
	cfg.OS, cfg.Architecture, cfg.History = "linux", "amd64", history
	if img, err = mutate.ConfigFile(img, cfg); err != nil {
		return err
	}
	ref, err := name.ParseReference(tag)
	if err != nil {
		return err
	}
	if err := tarball.WriteToFile(out, ref, img); err != nil {
		return err
	}
	if oci != "" {
		p, err := layout.Write(oci, empty.Index)
		if err != nil {
			return err
		}
		return p.AppendImage(img)
	}
	return nil
}

// tarDir writes a root filesystem as a layer tar: regular files, dirs,
// symlinks and hard links, owned by root, in walk order.
func tarDir(dir string, w io.Writer) error {
	tw := tar.NewWriter(w)
	inodes := map[uint64]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "." {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		link := ""
		if fi.Mode()&fs.ModeSymlink != 0 {
			if link, err = os.Readlink(p); err != nil {
				return err
			}
		}
		h, err := tar.FileInfoHeader(fi, link)
		if err != nil {
			return nil // sockets and such
		}
		h.Name = filepath.ToSlash(rel)
		if fi.IsDir() {
			h.Name += "/"
		}
		h.Uid, h.Gid, h.Uname, h.Gname = 0, 0, "root", "root"
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && fi.Mode().IsRegular() && st.Nlink > 1 {
			if first, ok := inodes[st.Ino]; ok {
				h.Typeflag, h.Linkname, h.Size = tar.TypeLink, first, 0
			} else {
				inodes[st.Ino] = h.Name
			}
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if h.Typeflag == tar.TypeReg {
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			if _, err := io.Copy(tw, f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tw.Close()
}
