// Package importer turns advisory feeds into vulndb records. It defines the
// Importer interface every feed implements (vulndb/importer/<feed>) and the
// runner that walks files, directories and zip archives with bounded reads
// and hands each file to the first importer that recognises it. The list of
// feeds is vulndb/importer/feeds; callers pass it in.
package importer

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/progress"
	"github.com/sluice-dev/sluice/vulndb"
)

// Limits on what one import reads.
const (
	MaxFileSize     = 64 << 20  // one feed file or zip entry
	MaxTotalSize    = 2 << 30   // everything one import decompresses
	MaxEntries      = 1_000_000 // files and zip entries
	MaxZipRatio     = 200       // decompressed bytes per compressed byte
	headSize        = 4096
	maxSkipExamples = 20
)

// Emit receives one advisory under the name of its source ("osv:Go",
// "debian-dsa", "alpine-secdb:v3.11/main").
type Emit func(source string, v *vulndb.Vulnerability) error

// File is one feed file: a file on disk or a zip entry.
type File struct {
	// Name is the path shown to users: the file, or zip!entry.
	Name string
	// Head is the first bytes, for Detect.
	Head []byte
	// Data is the whole content, read with the size limits above.
	Data []byte
}

// Importer converts one feed format into OSV records.
type Importer interface {
	// Name is the feed's stable name, usable as an explicit prefix
	// ("debian-list:PATH").
	Name() string
	// Detect reports whether a file is in this feed's format, from its
	// name and first bytes only.
	Detect(name string, head []byte) bool
	// Import converts one file. A record that cannot be converted is
	// reported through skip and does not stop the file; an error means the
	// file as a whole is unreadable.
	Import(ctx context.Context, f File, emit Emit, skip func(reason string)) error
}

// Options configure Run. The zero value works.
type Options struct {
	Logger   *slog.Logger
	Progress progress.Reporter
}

// Stats summarises an import.
type Stats struct {
	Files   int            `json:"files"`
	Records int            `json:"records"`
	Sources map[string]int `json:"sources"`
	// Skipped counts records and files that were not imported, and
	// SkipExamples says why for the first few.
	Skipped      int      `json:"skipped"`
	SkipExamples []string `json:"skip_examples,omitempty"`
}

// Run imports every source path (a file, a directory or a zip archive) into
// b. A path may be prefixed by an importer name and a colon to skip
// detection ("alpine-secdb:main.json").
func Run(ctx context.Context, b *vulndb.Builder, importers []Importer, paths []string, opts Options) (Stats, error) {
	r := &runner{importers: importers, b: b, log: opts.Logger, stats: Stats{Sources: map[string]int{}}, progress: progress.OrNop(opts.Progress), counter: safeio.Counter{Max: MaxEntries, What: "feed files"}}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return r.stats, err
		}
		var forced Importer
		if name, rest, ok := strings.Cut(p, ":"); ok {
			for _, im := range importers {
				if im.Name() == name {
					forced, p = im, rest
				}
			}
		}
		if err := r.path(ctx, p, forced); err != nil {
			return r.stats, err
		}
	}
	return r.stats, nil
}

type runner struct {
	importers []Importer
	b         *vulndb.Builder
	log       *slog.Logger
	stats     Stats
	progress  progress.Reporter
	total     int64
	counter   safeio.Counter
}

func (r *runner) skip(reason string) {
	r.stats.Skipped++
	if len(r.stats.SkipExamples) < maxSkipExamples {
		r.stats.SkipExamples = append(r.stats.SkipExamples, reason)
	}
	r.log.Debug("skipped", "reason", reason)
}

func (r *runner) path(ctx context.Context, p string, forced Importer) error {
	st, err := os.Stat(p)
	if err != nil {
		return fmt.Errorf("import %s: %w", p, err)
	}
	if !st.IsDir() {
		return r.file(ctx, p, forced)
	}
	var files []string
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			files = append(files, path)
		}
		return r.counter.Inc()
	})
	if err != nil {
		return fmt.Errorf("import %s: %w", p, err)
	}
	slices.Sort(files)
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := r.file(ctx, f, forced); err != nil {
			return err
		}
	}
	return nil
}

func (r *runner) file(ctx context.Context, p string, forced Importer) error {
	f, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("import %s: %w", p, err)
	}
	defer f.Close()
	head := make([]byte, 4)
	n, _ := io.ReadFull(f, head)
	if bytes.Equal(head[:n], []byte("PK\x03\x04")) {
		st, err := f.Stat()
		if err != nil {
			return fmt.Errorf("import %s: %w", p, err)
		}
		return r.zip(ctx, p, f, st.Size(), forced)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("import %s: %w", p, err)
	}
	data, err := safeio.ReadAll(f, MaxFileSize, p)
	if err != nil {
		return fmt.Errorf("import %s: %w", p, err)
	}
	return r.data(ctx, filepath.ToSlash(p), data, forced)
}

func (r *runner) zip(ctx context.Context, p string, f io.ReaderAt, size int64, forced Importer) error {
	zr, err := zip.NewReader(f, size)
	if err != nil {
		return fmt.Errorf("import %s: not a readable zip archive: %w", p, err)
	}
	for _, e := range zr.File {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := r.counter.Inc(); err != nil {
			return fmt.Errorf("import %s: %w", p, err)
		}
		if e.FileInfo().IsDir() {
			continue
		}
		name := p + "!" + e.Name
		if e.UncompressedSize64 > MaxFileSize {
			r.skip(fmt.Sprintf("%s: larger than %d bytes", name, MaxFileSize))
			continue
		}
		if e.CompressedSize64 > 0 && e.UncompressedSize64/e.CompressedSize64 > MaxZipRatio {
			return fmt.Errorf("import %s: entry %s expands more than %d times: %w", p, e.Name, MaxZipRatio, safeio.ErrLimit)
		}
		rc, err := e.Open()
		if err != nil {
			r.skip(fmt.Sprintf("%s: %v", name, err))
			continue
		}
		data, err := safeio.ReadAll(rc, MaxFileSize, name)
		rc.Close()
		if err != nil {
			r.skip(fmt.Sprintf("%s: %v", name, err))
			continue
		}
		if err := r.data(ctx, name, data, forced); err != nil {
			return err
		}
	}
	return nil
}

func (r *runner) data(ctx context.Context, name string, data []byte, forced Importer) error {
	r.total += int64(len(data))
	if r.total > MaxTotalSize {
		return fmt.Errorf("import: more than %d bytes of feed data: %w", int64(MaxTotalSize), safeio.ErrLimit)
	}
	im := forced
	head := data[:min(len(data), headSize)]
	if im == nil {
		for _, c := range r.importers {
			if c.Detect(name, head) {
				im = c
				break
			}
		}
	}
	if im == nil {
		r.skip(fmt.Sprintf("%s: not a known advisory feed format", name))
		return nil
	}
	r.stats.Files++
	task := r.progress.Task("import "+name, 0)
	defer task.Done()
	emit := func(source string, v *vulndb.Vulnerability) error {
		if err := r.b.Add(ctx, source, v); err != nil {
			var verr *vulndb.ValidationError
			if errors.As(err, &verr) {
				r.skip(fmt.Sprintf("%s: %v", name, err))
				return nil
			}
			return &StoreError{err}
		}
		r.stats.Records++
		r.stats.Sources[source]++
		task.Add(1)
		return nil
	}
	if err := im.Import(ctx, File{Name: name, Head: head, Data: data}, emit, func(reason string) { r.skip(name + ": " + reason) }); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if isStoreError(err) {
			return err
		}
		r.skip(fmt.Sprintf("%s (%s): %v", name, im.Name(), err))
	}
	return nil
}

// StoreError marks a failure of the database itself, which aborts the
// import (as opposed to a bad feed file, which is skipped).
type StoreError struct{ Err error }

func (e *StoreError) Error() string { return e.Err.Error() }
func (e *StoreError) Unwrap() error { return e.Err }

func isStoreError(err error) bool {
	var s *StoreError
	return errors.As(err, &s)
}
