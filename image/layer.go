package image

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/sluice-dev/sluice/internal/safeio"
)

// EntryKind is what a layer entry does to the filesystem.
type EntryKind int

// The kinds of layer entry.
const (
	KindFile     EntryKind = iota // a regular file with content
	KindDirEntry                  // a directory
	KindSymlink                   // a symbolic link; Link is its target as stored
	KindHardlink                  // a hard link; Link is the in-root path it links to
	KindWhiteout                  // ".wh.<name>": Path was deleted by this layer
	KindOpaque                    // ".wh..wh..opq": lower layers' content of directory Path is hidden
	KindOther                     // devices, fifos: metadata only
)

// Whiteout markers of the OCI image spec (image-layer.md, "Whiteouts").
const (
	whiteoutPrefix = ".wh."
	opaqueMarker   = ".wh..wh..opq"
)

// Entry is one decoded tar entry of a layer. Its content is readable (Read)
// only during the callback that receives it, and only for KindFile.
type Entry struct {
	// Path is clean, slash-separated and relative to the image root. For a
	// whiteout it is the deleted path; for an opaque marker, the directory.
	Path string
	Kind EntryKind
	Mode fs.FileMode
	Size int64
	Link string

	r io.Reader
}

// Read reads the entry's content.
func (e *Entry) Read(p []byte) (int, error) {
	if e.r == nil {
		return 0, io.EOF
	}
	return e.r.Read(p)
}

// LayerOptions bound the reading of one layer. The zero value uses the
// safeio defaults.
type LayerOptions struct {
	MaxEntries      int   // tar entries (safeio.MaxEntries)
	MaxDecompressed int64 // bytes of tar (safeio.MaxDecompressed)
	MaxRatio        int64 // decompressed per compressed byte (safeio.MaxRatio)
	// Progress, when set, is called with the number of decompressed bytes
	// read since its last call (about every MiB).
	Progress func(n int64)
	// SkipVerify turns off the check of the uncompressed stream against the
	// layer's diffID (tests of hostile input without a matching config).
	SkipVerify bool
	// NoReadAhead decompresses in the reading goroutine instead of one
	// ahead of it (benchmarks compare the two).
	NoReadAhead bool
}

// LayerStats describes one read of a layer.
type LayerStats struct {
	Entries int
	// Bytes is the size of the uncompressed tar stream.
	Bytes int64
	// Problems are entries that were skipped (path traversal, unreadable
	// names); the rest of the layer was read.
	Problems []string
}

const maxProblems = 100

func (s *LayerStats) problem(format string, args ...any) {
	if len(s.Problems) < maxProblems {
		s.Problems = append(s.Problems, fmt.Sprintf(format, args...))
	} else if len(s.Problems) == maxProblems {
		s.Problems = append(s.Problems, "more problems not shown")
	}
}

// ReadLayer streams a layer once: it decompresses the blob (gzip, zstd or
// none, by magic number), walks its tar entries and calls fn for each, with
// paths cleaned inside the root and whiteouts decoded. Entries escaping the
// root are skipped and listed in LayerStats.Problems. Every error names the
// layer.
func ReadLayer(ctx context.Context, l Layer, opts LayerOptions, fn func(*Entry) error) (LayerStats, error) {
	stats, err := readLayer(ctx, l, opts, fn)
	if err != nil {
		id := l.DiffID
		if id == "" {
			id = l.Digest
		}
		return stats, fmt.Errorf("layer %d (%s): %w", l.Index, id, err)
	}
	return stats, nil
}

func readLayer(ctx context.Context, l Layer, opts LayerOptions, fn func(*Entry) error) (LayerStats, error) {
	var stats LayerStats
	rc, err := l.Open()
	if err != nil {
		return stats, err
	}
	defer rc.Close()
	var want []byte
	if !opts.SkipVerify {
		alg, hexSum, ok := strings.Cut(l.DiffID, ":")
		if !ok || alg != "sha256" {
			return stats, fmt.Errorf("diffID %q is not a sha256 digest", l.DiffID)
		}
		if want, err = hex.DecodeString(hexSum); err != nil || len(want) != sha256.Size {
			return stats, fmt.Errorf("diffID %q is not a sha256 digest", l.DiffID)
		}
	}
	tarStream, closeDec, err := Decompress(rc, opts)
	if err != nil {
		return stats, err
	}
	defer closeDec()
	var h hash.Hash
	if want != nil {
		h = sha256.New()
		tarStream = io.TeeReader(tarStream, h)
	}
	counted := &safeio.CountingReader{R: tarStream}
	err = walkTar(ctx, counted, opts, &stats, fn)
	if err == nil {
		// The tar end marker may be followed by padding: hash it all.
		_, err = io.Copy(io.Discard, counted)
	}
	stats.Bytes = counted.N
	if err != nil {
		return stats, err
	}
	if h != nil && !bytes.Equal(h.Sum(nil), want) {
		return stats, fmt.Errorf("content does not match its diffID: the image is corrupt or was tampered with (got sha256:%x)", h.Sum(nil))
	}
	return stats, nil
}

// Decompress returns the uncompressed tar stream of a layer blob, detecting
// gzip and zstd by their magic numbers, bounded in total size and
// compression ratio. The caller must call closeFn.
func Decompress(blob io.Reader, opts LayerOptions) (r io.Reader, closeFn func(), err error) {
	maxTotal, maxRatio := opts.MaxDecompressed, opts.MaxRatio
	if maxTotal == 0 {
		maxTotal = safeio.MaxDecompressed
	}
	if maxRatio == 0 {
		maxRatio = safeio.MaxRatio
	}
	compressed := &safeio.CountingReader{R: blob}
	br := bufio.NewReaderSize(compressed, 256<<10)
	magic, _ := br.Peek(4)
	closeFn = func() {}
	switch {
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("gzip: %w", err)
		}
		r = zr
		closeFn = func() { zr.Close() }
	case bytes.Equal(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		zr, err := zstd.NewReader(br, zstd.WithDecoderMaxWindow(256<<20), zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, nil, fmt.Errorf("zstd: %w", err)
		}
		r = zr
		closeFn = zr.Close
	default:
		r = br
		maxRatio = 0 // not compressed: only the total counts
	}
	r = safeio.RatioReader(r, compressed, maxRatio, maxTotal)
	if !opts.NoReadAhead {
		ra := newReadAhead(r)
		inner := closeFn
		closeFn = func() { ra.Close(); inner() }
		r = ra
	}
	if opts.Progress != nil {
		r = &progressReader{r: r, fn: opts.Progress}
	}
	return r, closeFn, nil
}

type progressReader struct {
	r       io.Reader
	pending int64
	fn      func(int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.pending += int64(n)
	if p.pending >= 1<<20 || (err != nil && p.pending > 0) {
		p.fn(p.pending)
		p.pending = 0
	}
	return n, err
}

func walkTar(ctx context.Context, r io.Reader, opts LayerOptions, stats *LayerStats, fn func(*Entry) error) error {
	maxEntries := opts.MaxEntries
	if maxEntries == 0 {
		maxEntries = safeio.MaxEntries
	}
	count := safeio.Counter{What: "entries", Max: maxEntries}
	tr := tar.NewReader(r)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read tar: %w", err)
		}
		if err := count.Inc(); err != nil {
			return err
		}
		stats.Entries = count.N()
		e, ok := decodeEntry(hdr, stats)
		if !ok {
			continue
		}
		if e.Kind == KindFile {
			e.r = tr
		}
		if err := fn(e); err != nil {
			return err
		}
	}
}

// decodeEntry turns a tar header into an Entry; ok is false for entries that
// are skipped (and recorded as problems when hostile).
func decodeEntry(hdr *tar.Header, stats *LayerStats) (*Entry, bool) {
	p, err := safeio.CleanPath(hdr.Name)
	if err != nil {
		if errors.Is(err, safeio.ErrLimit) {
			stats.problem("entry %.80q…: %v: skipped", hdr.Name, err)
		} else {
			stats.problem("entry %q: %v: skipped, not followed", hdr.Name, err)
		}
		return nil, false
	}
	if p == "" {
		return nil, false // the root itself
	}
	e := &Entry{Path: p, Mode: hdr.FileInfo().Mode(), Size: hdr.Size}
	dir, base := path.Split(p)
	dir = strings.TrimSuffix(dir, "/")
	if strings.HasPrefix(base, whiteoutPrefix) {
		switch {
		case base == opaqueMarker:
			e.Path, e.Kind, e.Size = dir, KindOpaque, 0
		case strings.HasPrefix(base, whiteoutPrefix+whiteoutPrefix):
			return nil, false // other AUFS metadata (.wh..wh.plnk, ...)
		default:
			e.Path, e.Kind, e.Size = path.Join(dir, strings.TrimPrefix(base, whiteoutPrefix)), KindWhiteout, 0
		}
		return e, true
	}
	switch hdr.Typeflag {
	case tar.TypeReg, tar.TypeRegA:
		e.Kind = KindFile
	case tar.TypeDir:
		e.Kind, e.Size = KindDirEntry, 0
	case tar.TypeSymlink:
		e.Kind, e.Size, e.Link = KindSymlink, 0, hdr.Linkname
	case tar.TypeLink:
		target, err := safeio.CleanPath(hdr.Linkname)
		if err != nil {
			stats.problem("hard link %q -> %q: %v: skipped, not followed", hdr.Name, hdr.Linkname, err)
			return nil, false
		}
		e.Kind, e.Size, e.Link = KindHardlink, 0, target
	case tar.TypeXGlobalHeader:
		return nil, false
	default:
		e.Kind, e.Size = KindOther, 0
	}
	return e, true
}
