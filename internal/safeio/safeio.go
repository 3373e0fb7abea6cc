// Package safeio is the one place for reading hostile input safely: readers
// that fail (never silently truncate) past a size, counters for entries and
// nesting depth, a decompression-ratio guard against gzip bombs, and path
// handling that keeps archive paths and symlinks inside a virtual root.
// Every parser of outside input reads through it.
package safeio

import (
	"errors"
	"fmt"
	"io"
)

// Default limits, chosen far above real inputs and far below what hurts a
// 2-core, shared CI machine. Engines may tighten or loosen them in Options.
const (
	MaxConfigFile   = 16 << 20  // a Dockerfile, manifest, lockfile or config
	MaxPackageDB    = 256 << 20 // dpkg status, rpmdb, apk installed
	MaxEntries      = 1_000_000 // files in one layer or archive
	MaxPathLength   = 4096      // bytes in one path
	MaxDepth        = 64        // nesting of JSON/YAML values or archives in archives
	MaxRatio        = 200       // decompressed bytes per compressed byte
	MaxDecompressed = 64 << 30  // bytes decompressed from one layer
)

// ErrLimit is matched (errors.Is) by every *LimitError.
var ErrLimit = errors.New("limit exceeded")

// LimitError says which limit an input crossed.
type LimitError struct {
	What  string // "file size", "entries", "decompression ratio", ...
	Limit int64
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("%s exceeds the limit of %d", e.What, e.Limit)
}

// Is makes errors.Is(err, ErrLimit) true for any LimitError.
func (e *LimitError) Is(target error) bool { return target == ErrLimit }

// LimitReader returns a reader of r that fails with a *LimitError once more
// than max bytes would be read. Unlike io.LimitReader it never truncates
// quietly, so a parser cannot mistake a cut file for a whole one.
func LimitReader(r io.Reader, max int64, what string) io.Reader {
	return &limitReader{r: r, left: max, limit: max, what: what}
}

type limitReader struct {
	r     io.Reader
	left  int64
	limit int64
	what  string
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, &LimitError{What: l.what, Limit: l.limit}
	}
	// Read one byte past the limit so reaching exactly max is not an error.
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n + int(l.left), &LimitError{What: l.what, Limit: l.limit}
	}
	return n, err
}

// ReadAll reads all of r, failing with a *LimitError past max bytes.
func ReadAll(r io.Reader, max int64, what string) ([]byte, error) {
	return io.ReadAll(LimitReader(r, max, what))
}

// CountingReader counts the bytes read through it.
type CountingReader struct {
	R io.Reader
	N int64
}

func (c *CountingReader) Read(p []byte) (int, error) {
	n, err := c.R.Read(p)
	c.N += int64(n)
	return n, err
}

// RatioReader guards a decompressing reader: it fails once the decompressed
// bytes exceed maxTotal, or exceed maxRatio times the compressed bytes read so
// far plus a 1 MiB allowance (small, highly compressible blobs are normal).
// compressed must count the bytes the decompressor consumed.
func RatioReader(decompressed io.Reader, compressed *CountingReader, maxRatio, maxTotal int64) io.Reader {
	return &ratioReader{r: decompressed, c: compressed, ratio: maxRatio, total: maxTotal}
}

type ratioReader struct {
	r     io.Reader
	c     *CountingReader
	n     int64
	ratio int64
	total int64
}

const ratioAllowance = 1 << 20

func (r *ratioReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.n += int64(n)
	if r.total > 0 && r.n > r.total {
		return n, &LimitError{What: "decompressed size", Limit: r.total}
	}
	if r.ratio > 0 && r.n > ratioAllowance && r.n > r.ratio*r.c.N+ratioAllowance {
		return n, &LimitError{What: "decompression ratio", Limit: r.ratio}
	}
	return n, err
}

// Counter fails once it is incremented past its maximum: entries in an
// archive, documents in a YAML stream, records in a database.
type Counter struct {
	What string
	Max  int
	n    int
}

// Inc counts one more item.
func (c *Counter) Inc() error {
	c.n++
	if c.Max > 0 && c.n > c.Max {
		return &LimitError{What: c.What, Limit: int64(c.Max)}
	}
	return nil
}

// N is the count so far.
func (c *Counter) N() int { return c.n }
