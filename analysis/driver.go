package analysis

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"runtime"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/progress"
	"github.com/sluice-dev/sluice/source"
)

// Defaults of Options.
const (
	DefaultMaxFileSize    = 1 << 30  // a wanted file larger than this is skipped with a note
	DefaultMemoryFileSize = 32 << 20 // wanted files up to this size are read into memory
	DefaultMaxUnowned     = 1000     // entries listed in Inventory.Unowned
	DefaultMaxRecorded    = 10000    // entries a layer keeps for Recorders
)

// Options tune Run. The zero value works: no cache, GOMAXPROCS layers at once.
type Options struct {
	// CacheDir holds per-layer results keyed by diffID and analyzer
	// versions; "" disables the cache.
	CacheDir string
	// MaxFileSize bounds a file handed to analyzers; MemoryFileSize is the
	// size up to which it is held in memory (larger ones go to a temporary
	// file in TempDir).
	MaxFileSize    int64
	MemoryFileSize int64
	TempDir        string
	// Concurrency is the number of layers analysed at once (GOMAXPROCS when 0).
	Concurrency int
	// MaxUnowned caps Inventory.Unowned (UnownedCount still counts all).
	MaxUnowned int
	// Recorders select entries whose metadata Output.Files lists;
	// MaxRecorded bounds the entries kept per layer (a hostile layer of a
	// million world-writable files must not make a million findings): the
	// rest are counted in a note.
	Recorders   []Recorder
	MaxRecorded int
	Progress    progress.Reporter
	Log         *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = DefaultMaxFileSize
	}
	if o.MemoryFileSize <= 0 {
		o.MemoryFileSize = DefaultMemoryFileSize
	}
	if o.Concurrency <= 0 {
		o.Concurrency = runtime.GOMAXPROCS(0)
	}
	if o.MaxUnowned <= 0 {
		o.MaxUnowned = DefaultMaxUnowned
	}
	if o.MaxRecorded <= 0 {
		o.MaxRecorded = DefaultMaxRecorded
	}
	o.Progress = progress.OrNop(o.Progress)
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return o
}

// Output is what Run found in a source.
type Output struct {
	Inventory *inventory.Inventory
	// Findings come from detectors; those in files a later layer deleted
	// are kept, with Location.Deleted set.
	Findings []finding.Finding
	// Notes are files or entries that could not be fully read.
	Notes []string
	// Files are the entries Options.Recorders selected, layer by layer
	// (bottom first) and by path within a layer. Those no longer in the
	// final filesystem have Deleted set: removed by a later layer, replaced
	// by a later layer's entry at the same path (a directory declared again
	// takes the mode of the upper declaration, as in overlayfs), or hidden
	// under a deleted or opaque directory. Files carry no content (Open
	// returns source.ErrNoContent).
	Files []source.File
	// CachedLayers counts layers whose results came from the cache.
	CachedLayers int
}

// layerRecord is what analysing one layer (or a whole non-layered source)
// yields: a pure function of the layer's content and the analyzer set, so it
// is what the cache stores.
type layerRecord struct {
	Schema  int          `json:"schema"`
	DiffID  string       `json:"diff_id,omitempty"`
	Results []fileResult `json:"results,omitempty"`
	// What the layer does to the layers below it.
	Written []string `json:"written,omitempty"`
	Deleted []string `json:"deleted,omitempty"`
	Opaque  []string `json:"opaque,omitempty"`
	// Links are the layer's symlinks (path → target as stored).
	Links map[string]string `json:"links,omitempty"`
	// Binaries are its ELF executables and shared libraries.
	Binaries []binary `json:"binaries,omitempty"`
	// Entries are what the recorders selected; Dirs, kept only when
	// recorders run, are every directory the layer declares, so that a
	// later declaration of a directory is known to replace a lower one.
	Entries []entry  `json:"entries,omitempty"`
	Dirs    []string `json:"dirs,omitempty"`
	Notes   []string `json:"notes,omitempty"`
}

// entry is the metadata of one recorded filesystem entry.
type entry struct {
	Path string      `json:"path"`
	Mode fs.FileMode `json:"mode"`
	Size int64       `json:"size,omitempty"`
	Link string      `json:"link,omitempty"`
	// Deleted is set for entries a non-layered source reports as deleted.
	Deleted bool `json:"deleted,omitempty"`
}

// fileResult is one analyzer's result on one file.
type fileResult struct {
	Analyzer string `json:"analyzer"`
	Path     string `json:"path"`
	// Deleted is set for files a non-layered source reports as deleted.
	Deleted bool    `json:"deleted,omitempty"`
	Result  *Result `json:"result"`
}

type binary struct {
	Path    string `json:"path"`
	Size    int64  `json:"size"`
	Library bool   `json:"library,omitempty"`
	Deleted bool   `json:"deleted,omitempty"`
}

// recordSchema versions layerRecord and the driver's own output (binary
// detection, notes): bump it when either changes, to invalidate caches.
const recordSchema = 1

// Run reads every file of src that at least one analyzer wants, exactly once,
// and hands it to each of them. Layers of a layered source (an image) are
// analysed concurrently and cached by diffID, then applied in order with
// whiteouts: packages whose declaring file a later layer deleted or replaced
// are dropped, findings in deleted files are kept and marked. Finisher
// analyzers run last, on the merged inventory.
func Run(ctx context.Context, src source.Source, analyzers []Analyzer, opts Options) (*Output, error) {
	opts = opts.withDefaults()
	if err := checkNames(analyzers, opts.Recorders); err != nil {
		return nil, err
	}
	out := &Output{Inventory: &inventory.Inventory{}}
	var records []*layerRecord
	layered, ok := src.(source.Layered)
	if ok {
		out.Inventory.Layers = layered.Layers()
		var err error
		if records, out.CachedLayers, err = runLayers(ctx, layered, out.Inventory.Layers, analyzers, opts); err != nil {
			return nil, err
		}
	} else {
		task := opts.Progress.Task(src.Metadata().Name, 0)
		rec, err := analyzeStream(ctx, analyzers, opts, func(fn func(source.File) error) ([]string, error) {
			return nil, src.Files(ctx, func(f source.File) error {
				task.Add(f.Size)
				return fn(f)
			})
		})
		task.Done()
		if err != nil {
			return nil, err
		}
		records = []*layerRecord{rec}
	}
	apply(out, records, ok, analyzers, opts)
	for _, a := range analyzers {
		if f, ok := a.(Finisher); ok {
			f.Finish(out.Inventory)
		}
	}
	return out, nil
}

// runLayers analyses the layers of an image concurrently, each from the
// cache when it has the layer, and returns their records in layer order with
// the number that came from the cache.
func runLayers(ctx context.Context, layered source.Layered, layers []inventory.Layer, analyzers []Analyzer, opts Options) ([]*layerRecord, int, error) {
	records := make([]*layerRecord, len(layers))
	cached := make([]bool, len(layers))
	key := cacheKey(analyzers, opts)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(opts.Concurrency)
	// A layer repeated in one image (the same diffID twice) is read once.
	first := map[string]int{}
	for i, l := range layers {
		if _, ok := first[l.DiffID]; ok && l.DiffID != "" {
			continue
		}
		first[l.DiffID] = i
		g.Go(func() error {
			// Decompressed bytes are reported; their total is unknown up front.
			task := opts.Progress.Task(fmt.Sprintf("layer %d/%d %s", i+1, len(layers), shortDigest(l.DiffID)), 0)
			defer task.Done()
			if rec := loadCache(opts, key, l.DiffID); rec != nil {
				records[i], cached[i] = rec, true
				return nil
			}
			rec, err := analyzeStream(gctx, analyzers, opts, func(fn func(source.File) error) ([]string, error) {
				return layered.LayerFiles(gctx, i, source.LayerReadOptions{Progress: task.Add}, fn)
			})
			if err != nil {
				return err
			}
			rec.DiffID = l.DiffID
			records[i] = rec
			if err := storeCache(opts, key, rec); err != nil {
				opts.Log.Warn("layer cache not written", "layer", l.DiffID, "err", err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, 0, err
	}
	n := 0
	for i, l := range layers {
		if records[i] == nil {
			records[i] = records[first[l.DiffID]]
		}
		if cached[i] {
			n++
		}
	}
	return records, n, nil
}

// named is what analyzers and recorders share: the identity the cache key
// is made of.
type named interface {
	Name() string
	Version() int
}

// checkNames refuses names that would make cache keys ambiguous: empty,
// with the key's separators, or given twice (a recorder may share its name
// with an analyzer: the key tells the two kinds apart).
func checkNames(analyzers []Analyzer, recorders []Recorder) error {
	check := func(kind string, list []named) error {
		seen := map[string]bool{}
		for _, a := range list {
			if a.Name() == "" || strings.ContainsAny(a.Name(), "@\n") {
				return fmt.Errorf("%s %q: invalid name", kind, a.Name())
			}
			if seen[a.Name()] {
				return fmt.Errorf("%s %q listed twice", kind, a.Name())
			}
			seen[a.Name()] = true
		}
		return nil
	}
	if err := check("analyzer", asNamed(analyzers)); err != nil {
		return err
	}
	return check("recorder", asNamed(recorders))
}

func asNamed[T named](list []T) []named {
	out := make([]named, len(list))
	for i, x := range list {
		out[i] = x
	}
	return out
}

func shortDigest(d string) string {
	_, hex, ok := strings.Cut(d, ":")
	if ok && len(hex) > 12 {
		return hex[:12]
	}
	return d
}

// analyzeStream runs the analyzers over one stream of files (a layer or a
// whole source).
func analyzeStream(ctx context.Context, analyzers []Analyzer, opts Options, walk func(func(source.File) error) ([]string, error)) (*layerRecord, error) {
	rec := &layerRecord{Schema: recordSchema}
	var changes source.Changes
	wanting := make([]Analyzer, 0, len(analyzers))
	unrecorded := 0
	notes, err := walk(func(f source.File) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		changes.Add(f)
		if f.Whiteout || f.Opaque {
			return nil
		}
		if !rec.record(f, opts) {
			unrecorded++
		}
		if f.Mode&fs.ModeSymlink != 0 {
			if rec.Links == nil {
				rec.Links = map[string]string{}
			}
			rec.Links[f.Path] = f.Link
			return nil
		}
		if !f.Mode.IsRegular() || f.Link != "" { // dirs, devices, hard links
			return nil
		}
		wanting = wanting[:0]
		for _, a := range analyzers {
			if a.Wants(f.Path, f.Mode, f.Size) {
				wanting = append(wanting, a)
			}
		}
		candidate := binaryCandidate(f.Path, f.Mode)
		if len(wanting) == 0 && !candidate {
			return nil
		}
		if len(wanting) == 0 || f.Size > opts.MaxFileSize {
			if len(wanting) > 0 {
				rec.Notes = append(rec.Notes, fmt.Sprintf("%s: %d bytes, larger than the %d-byte limit for analysis: skipped", f.Path, f.Size, opts.MaxFileSize))
			}
			isELF, err := peekELF(f)
			if err != nil {
				rec.Notes = append(rec.Notes, fmt.Sprintf("%s: %v", f.Path, err))
			}
			if isELF {
				rec.addBinary(f)
			}
			return nil
		}
		content, err := readContent(f, opts)
		if err != nil {
			rec.Notes = append(rec.Notes, fmt.Sprintf("%s: %v", f.Path, err))
			return nil
		}
		defer content.close()
		if candidate && content.isELF() {
			rec.addBinary(f)
		}
		in := &Input{Path: f.Path, Mode: f.Mode, Size: content.size, Layer: f.Layer, LayerIndex: f.LayerIndex, Content: content.r}
		for _, a := range wanting {
			res, err := runAnalyzer(ctx, a, in)
			if err != nil {
				return fmt.Errorf("%s on %s: %w", a.Name(), describeFile(f), err)
			}
			if res == nil || (len(res.Packages) == 0 && len(res.Findings) == 0 && res.Distro == nil && len(res.Notes) == 0 && len(res.Owned) == 0) {
				continue
			}
			rec.Results = append(rec.Results, fileResult{Analyzer: a.Name(), Path: f.Path, Deleted: f.Deleted, Result: res})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rec.Notes = append(rec.Notes, notes...)
	if unrecorded > 0 {
		rec.Notes = append(rec.Notes, fmt.Sprintf("%d more entries selected for their metadata (setuid, world-writable, ...) than the %d kept: not judged", unrecorded, opts.MaxRecorded))
	}
	rec.Written, rec.Deleted, rec.Opaque = changes.Lists()
	return rec, nil
}

func describeFile(f source.File) string {
	if f.Layer != "" {
		return fmt.Sprintf("%s (layer %d %s)", f.Path, f.LayerIndex, f.Layer)
	}
	return f.Path
}

// runAnalyzer calls an analyzer, turning a panic on hostile input into a note
// so one bad file never takes the scan down.
func runAnalyzer(ctx context.Context, a Analyzer, in *Input) (res *Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res = &Result{Notes: []string{fmt.Sprintf("%s: analyzer %s crashed (%v); please report this with the file", in.Path, a.Name(), r)}}
			err = nil
		}
	}()
	return a.Analyze(ctx, in)
}

// record keeps the entry when a recorder selects it, and with recorders
// running notes every directory the layer declares. It returns false for a
// selected entry past opts.MaxRecorded, which is not kept.
func (rec *layerRecord) record(f source.File, opts Options) bool {
	if len(opts.Recorders) == 0 {
		return true
	}
	if f.Mode.IsDir() {
		rec.Dirs = append(rec.Dirs, f.Path)
	}
	for _, r := range opts.Recorders {
		if r.Records(f.Path, f.Mode) {
			if len(rec.Entries) >= opts.MaxRecorded {
				return false
			}
			rec.Entries = append(rec.Entries, entry{Path: f.Path, Mode: f.Mode, Size: f.Size, Link: f.Link, Deleted: f.Deleted})
			return true
		}
	}
	return true
}

func (rec *layerRecord) addBinary(f source.File) {
	rec.Binaries = append(rec.Binaries, binary{Path: f.Path, Size: f.Size, Library: isSharedLibName(f.Path), Deleted: f.Deleted})
}

// content is a file's bytes, in memory or in a temporary file.
type content struct {
	r     io.ReaderAt
	size  int64
	mem   []byte
	tmp   *os.File
	close func()
}

func (c *content) isELF() bool {
	var magic [4]byte
	n, _ := c.r.ReadAt(magic[:], 0)
	return n == 4 && string(magic[:]) == elfMagic
}

func readContent(f source.File, opts Options) (*content, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	// A file may grow between stat and read (directories): never past the limit.
	r := safeio.LimitReader(rc, opts.MaxFileSize, "file size")
	if f.Size <= opts.MemoryFileSize {
		b := make([]byte, 0, f.Size)
		buf := bytesWriter{b: b}
		if _, err := io.Copy(&buf, r); err != nil {
			return nil, err
		}
		mr := &memReader{b: buf.b}
		return &content{r: mr, size: int64(len(buf.b)), mem: buf.b, close: func() {}}, nil
	}
	tmp, err := os.CreateTemp(opts.TempDir, "sluice-file-*")
	if err != nil {
		return nil, err
	}
	cleanup := func() { tmp.Close(); os.Remove(tmp.Name()) }
	n, err := io.Copy(tmp, r)
	if err != nil {
		cleanup()
		return nil, err
	}
	return &content{r: tmp, size: n, tmp: tmp, close: cleanup}, nil
}

type bytesWriter struct{ b []byte }

func (w *bytesWriter) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }

type memReader struct{ b []byte }

func (m *memReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if off >= int64(len(m.b)) {
		return 0, io.EOF
	}
	n := copy(p, m.b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// apply merges the layer records in order into out.
func apply(out *Output, records []*layerRecord, layered bool, analyzers []Analyzer, opts Options) {
	markers := map[string]DeletionMarker{}
	for _, a := range analyzers {
		if m, ok := a.(DeletionMarker); ok {
			markers[a.Name()] = m
		}
	}
	changes := make([]*source.Changes, len(records))
	for i, r := range records {
		changes[i] = source.NewChanges(r.Written, r.Deleted, r.Opaque)
	}
	hidden := func(p string, i int, deletedFlag bool) bool {
		if !layered {
			return deletedFlag
		}
		return source.HiddenAfter(p, i, changes)
	}
	layerID := func(i int) string {
		if layered {
			return records[i].DiffID
		}
		return ""
	}
	inv := out.Inventory
	distroLayer := -1
	for i, rec := range records {
		for _, n := range rec.Notes {
			if layered {
				n = fmt.Sprintf("layer %d: %s", i, n)
			}
			out.Notes = append(out.Notes, n)
		}
		for _, fr := range rec.Results {
			deleted := hidden(fr.Path, i, fr.Deleted)
			loc := inventory.Location{Path: fr.Path, Layer: layerID(i), LayerIndex: i}
			res := fr.Result
			for _, n := range res.Notes {
				out.Notes = append(out.Notes, fmt.Sprintf("%s: %s", fr.Analyzer, n))
			}
			for _, f := range res.Findings {
				if f.Location.Path == "" {
					f.Location.Path = fr.Path
				}
				f.Location.Layer, f.Location.LayerIndex = loc.Layer, loc.LayerIndex
				if deleted && !f.Location.Deleted {
					if m, ok := markers[fr.Analyzer]; ok {
						m.MarkDeleted(&f)
					}
					f.Location.Deleted = true
				}
				out.Findings = append(out.Findings, f)
			}
			if deleted {
				continue
			}
			if res.Distro != nil && i >= distroLayer {
				d := *res.Distro
				inv.Distro, distroLayer = &d, i
			}
			for _, p := range res.Packages {
				if len(p.Locations) == 0 {
					p.Locations = []inventory.Location{loc}
				}
				p.Locations = slices.Clone(p.Locations)
				for j := range p.Locations {
					// Cached records may come from the same layer at another
					// position in another image: the position is this image's.
					p.Locations[j].Layer, p.Locations[j].LayerIndex = loc.Layer, loc.LayerIndex
				}
				if p.Cataloger == "" {
					p.Cataloger = fr.Analyzer
				}
				inv.Packages = append(inv.Packages, p)
			}
		}
	}
	slices.SortStableFunc(inv.Packages, func(a, b inventory.Package) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Name, b.Name), cmp.Compare(a.Version, b.Version),
			cmp.Compare(firstPath(a), firstPath(b)))
	})
	var owned []string
	for i, rec := range records {
		for _, fr := range rec.Results {
			if len(fr.Result.Owned) > 0 && !hidden(fr.Path, i, fr.Deleted) {
				owned = append(owned, fr.Result.Owned...)
			}
		}
	}
	unowned(inv, records, owned, hidden, layerID, opts.MaxUnowned)
	out.Files = recordedFiles(records, hidden, layerID)
}

// recordedFiles lists the recorded entries of every layer, marking those
// the final filesystem no longer has: hidden by a later layer, or replaced by
// a later declaration of the same path as a directory (Changes counts only
// non-directories as written, since a directory entry leaves the files
// below it in place, but it does replace the lower directory's mode).
func recordedFiles(records []*layerRecord, hidden func(string, int, bool) bool, layerID func(int) string) []source.File {
	// topDecl is the highest layer declaring each directory.
	topDecl := map[string]int{}
	for i, rec := range records {
		for _, d := range rec.Dirs {
			topDecl[d] = i
		}
	}
	var files []source.File
	for i, rec := range records {
		start := len(files)
		for _, e := range rec.Entries {
			files = append(files, source.File{
				Path: e.Path, Mode: e.Mode, Size: e.Size, Link: e.Link, Layer: layerID(i), LayerIndex: i,
				Deleted: hidden(e.Path, i, e.Deleted) || topDecl[e.Path] > i,
			})
		}
		slices.SortStableFunc(files[start:], func(a, b source.File) int { return cmp.Compare(a.Path, b.Path) })
	}
	return files
}

func firstPath(p inventory.Package) string {
	if len(p.Locations) == 0 {
		return ""
	}
	return p.Locations[0].Path
}

// cleanOwned normalises a path a package claims ("/usr/bin/x", "./x").
func cleanOwned(p string) string {
	return strings.TrimPrefix(path.Clean("/"+p), "/")
}
