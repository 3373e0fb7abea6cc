package image

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Target kinds (DESIGN.md §3).
const (
	KindDir           = "dir"
	KindOCIDir        = "oci-dir"
	KindOCIArchive    = "oci-archive"
	KindDockerArchive = "docker-archive"
	KindRegistry      = "registry"
	KindSBOM          = "sbom"
	KindGit           = "git"
)

var schemes = []string{KindDir, KindOCIDir, KindOCIArchive, KindDockerArchive, KindRegistry, KindSBOM, KindGit}

// Target is a parsed target string: its kind and the path or reference.
type Target struct {
	Kind string
	// Path is the file or directory (dir, oci-dir, archives, sbom, git) or
	// the image reference (registry).
	Path string
	// Explicit is true when the kind came from a scheme prefix.
	Explicit bool
}

// IsImage reports whether the target is an image form this package opens.
func (t Target) IsImage() bool {
	switch t.Kind {
	case KindOCIDir, KindOCIArchive, KindDockerArchive, KindRegistry:
		return true
	}
	return false
}

// String renders the target with its scheme.
func (t Target) String() string { return t.Kind + ":" + t.Path }

// ParseTarget reads a target string. An explicit scheme (oci-dir:, oci-archive:,
// docker-archive:, registry:, dir:, sbom:, git:) wins. Otherwise an existing
// directory is an OCI layout when it has an oci-layout file and a plain
// directory if not; an existing file is sniffed as a tar (docker-archive when
// it has manifest.json, oci-archive when it has oci-layout or index.json);
// anything else is a registry reference.
func ParseTarget(s string) (Target, error) {
	if s == "" {
		return Target{}, errors.New("empty target")
	}
	for _, k := range schemes {
		if rest, ok := strings.CutPrefix(s, k+":"); ok {
			if rest == "" {
				return Target{}, fmt.Errorf("target %q: nothing after %q", s, k+":")
			}
			return Target{Kind: k, Path: rest, Explicit: true}, nil
		}
	}
	fi, err := os.Stat(s)
	switch {
	case err == nil && fi.IsDir():
		if _, err := os.Stat(filepath.Join(s, "oci-layout")); err == nil {
			return Target{Kind: KindOCIDir, Path: s}, nil
		}
		return Target{Kind: KindDir, Path: s}, nil
	case err == nil:
		kind, err := sniffArchive(s)
		if err != nil {
			return Target{}, err
		}
		return Target{Kind: kind, Path: s}, nil
	case looksLikePath(s):
		return Target{}, fmt.Errorf("target %q: %w", s, err)
	}
	return Target{Kind: KindRegistry, Path: s}, nil
}

// looksLikePath is true for strings no image reference can be, so a typo in a
// file name is reported as a missing file rather than a registry error.
func looksLikePath(s string) bool {
	return strings.HasPrefix(s, "/") || strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") ||
		strings.HasSuffix(s, ".tar") || strings.HasSuffix(s, ".tgz") || strings.HasSuffix(s, ".tar.gz") ||
		strings.HasSuffix(s, ".json") || s == "." || s == ".."
}

// sniffArchive tells a docker-archive from an OCI archive by the names of
// its entries; it reads only tar headers.
func sniffArchive(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var magic [4]byte
	if _, err := io.ReadFull(f, magic[:]); err == nil {
		if bytes.HasPrefix(magic[:], []byte{0x1f, 0x8b}) || bytes.Equal(magic[:], []byte{0x28, 0xb5, 0x2f, 0xfd}) {
			return "", fmt.Errorf("%s is a compressed file: decompress it first (an image archive is a plain tar)", path)
		}
		if magic[0] == '{' || magic[0] == '[' || magic[0] == ' ' || magic[0] == '\n' {
			return KindSBOM, nil
		}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	tr := tar.NewReader(f)
	var hasOCI bool
	for range maxIndexEntries {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("%s is neither a directory, an image archive (tar) nor an SBOM: %v", path, err)
		}
		switch strings.TrimPrefix(h.Name, "./") {
		case "manifest.json":
			return KindDockerArchive, nil
		case "oci-layout", "index.json":
			hasOCI = true
		}
	}
	if hasOCI {
		return KindOCIArchive, nil
	}
	return "", fmt.Errorf("%s is a tar file but no image archive: it has neither manifest.json (docker save) nor oci-layout (OCI archive)", path)
}
