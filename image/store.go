package image

import (
	"archive/tar"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"

	"github.com/sluice-dev/sluice/internal/safeio"
)

// maxIndexEntries bounds the entries of an image archive (the archive itself,
// not a layer: a handful of blobs per image).
const maxIndexEntries = 100_000

// maxMetadata bounds manifests, indexes and configs.
const maxMetadata = 8 << 20

// store is where the files of an image archive or layout live: a directory
// (opened with os.Root, so nothing escapes it) or a tar file indexed once.
type store interface {
	open(name string) (io.ReadCloser, int64, error)
	describe() string
	io.Closer
}

func readMeta(s store, name string) ([]byte, error) {
	rc, _, err := s.open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := safeio.ReadAll(rc, maxMetadata, name)
	if err != nil {
		return nil, fmt.Errorf("read %s in %s: %w", name, s.describe(), err)
	}
	return b, nil
}

type dirStore struct {
	root *os.Root
	dir  string
}

func openDirStore(dir string) (*dirStore, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &dirStore{root: r, dir: dir}, nil
}

func (d *dirStore) open(name string) (io.ReadCloser, int64, error) {
	clean, err := safeio.CleanPath(name)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", d.dir, err)
	}
	f, err := d.root.Open(clean)
	if err != nil {
		return nil, 0, fmt.Errorf("open %s in %s: %w", clean, d.dir, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, 0, fmt.Errorf("%s in %s is not a regular file", clean, d.dir)
	}
	return f, fi.Size(), nil
}

func (d *dirStore) describe() string { return d.dir }
func (d *dirStore) Close() error     { return d.root.Close() }

// tarStore serves the regular files of an uncompressed tar by offset: the
// archive is indexed once (headers only) and each blob is then a section of
// the file, so no blob is ever copied or extracted.
type tarStore struct {
	f       *os.File
	path    string
	entries map[string]tarEntry
	links   map[string]string
}

type tarEntry struct{ off, size int64 }

// posReader tracks the offset of an *os.File through reads and the seeks
// archive/tar uses to skip entry data.
type posReader struct {
	f   *os.File
	pos int64
}

func (p *posReader) Read(b []byte) (int, error) {
	n, err := p.f.Read(b)
	p.pos += int64(n)
	return n, err
}

func (p *posReader) Seek(off int64, whence int) (int64, error) {
	n, err := p.f.Seek(off, whence)
	if err == nil {
		p.pos = n
	}
	return n, err
}

func openTarStore(file string) (*tarStore, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	s := &tarStore{f: f, path: file, entries: map[string]tarEntry{}, links: map[string]string{}}
	pr := &posReader{f: f}
	tr := tar.NewReader(pr)
	count := safeio.Counter{What: "archive entries", Max: maxIndexEntries}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("read archive %s: %w", file, err)
		}
		if err := count.Inc(); err != nil {
			f.Close()
			return nil, fmt.Errorf("read archive %s: %w", file, err)
		}
		name, err := safeio.CleanPath(h.Name)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("read archive %s: entry %q: %w", file, h.Name, err)
		}
		switch h.Typeflag {
		case tar.TypeReg:
			s.entries[name] = tarEntry{off: pr.pos, size: h.Size}
		case tar.TypeSymlink, tar.TypeLink:
			// docker save links duplicate layers to the first copy.
			target := h.Linkname
			if h.Typeflag == tar.TypeSymlink && !path.IsAbs(target) {
				target = path.Join(path.Dir(name), target)
			}
			s.links[name] = target
		}
	}
	return s, nil
}

func (s *tarStore) open(name string) (io.ReadCloser, int64, error) {
	resolved, err := safeio.Resolve(name, func(p string) (string, bool) {
		t, ok := s.links[p]
		if ok && !path.IsAbs(t) {
			t = "/" + t // stored relative to the archive root
		}
		return t, ok
	})
	if err != nil {
		return nil, 0, fmt.Errorf("archive %s: %w", s.path, err)
	}
	e, ok := s.entries[resolved]
	if !ok {
		return nil, 0, fmt.Errorf("archive %s has no file %s: %w", s.path, name, fs.ErrNotExist)
	}
	return io.NopCloser(io.NewSectionReader(s.f, e.off, e.size)), e.size, nil
}

func (s *tarStore) describe() string { return s.path }
func (s *tarStore) Close() error     { return s.f.Close() }
