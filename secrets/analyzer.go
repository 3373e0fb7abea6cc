package secrets

import (
	"context"
	"fmt"
	"hash/fnv"
	"io/fs"
	"maps"
	"slices"

	"github.com/sluice-dev/sluice/analysis"
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/source"
)

// Analyzer runs a Scanner inside the read-once analysis driver (image layers:
// each layer's files are scanned as that layer is read, and cached by
// diffID). Findings carry the layer; the driver, which knows the final view,
// marks those in files a later layer deleted through MarkDeleted.
//
// With Options.ShowSecrets its results hold whole secrets: a caller must not
// let the driver cache them on disk (leave analysis.Options.CacheDir empty).
type Analyzer struct {
	s       *Scanner
	version int
}

var (
	_ analysis.Analyzer       = (*Analyzer)(nil)
	_ analysis.DeletionMarker = (*Analyzer)(nil)
)

// Analyzer returns the scanner as an analysis.Analyzer. Its version changes
// with the rule set (IDs, versions, regexes) and with the options that shape
// findings (size limit, redaction, inline allows, ignored fingerprints,
// skipped paths), so a cached layer result is invalidated exactly when what
// the scanner would report for the layer changes.
func (s *Scanner) Analyzer() *Analyzer {
	h := fnv.New32a()
	for _, r := range s.rules {
		fmt.Fprintf(h, "%s\x00%d\x00%s\x00%s\x00", r.ID, r.Version, r.Regex, r.Path)
	}
	o := s.opts
	fmt.Fprintf(h, "max=%d show=%t noinline=%t\x00", o.MaxFileSize, o.ShowSecrets, o.NoInlineAllow)
	for _, fp := range slices.Sorted(maps.Keys(o.Ignore)) {
		if o.Ignore[fp] {
			fmt.Fprintf(h, "ignore=%s\x00", fp)
		}
	}
	for _, p := range o.SkipPaths {
		fmt.Fprintf(h, "skip=%s\x00", p)
	}
	return &Analyzer{s: s, version: int(h.Sum32() & 0x7fffffff)}
}

// Name identifies the analyzer.
func (a *Analyzer) Name() string { return "secrets" }

// Version identifies the rule set.
func (a *Analyzer) Version() int { return a.version }

// Wants regular files within the size limit that no global allowlist skips.
func (a *Analyzer) Wants(path string, mode fs.FileMode, size int64) bool {
	if !mode.IsRegular() {
		return false
	}
	if len(a.s.pathOnly) > 0 {
		return !a.s.fileAllowed(source.File{Path: path})
	}
	if a.s.opts.MaxFileSize > 0 && size > a.s.opts.MaxFileSize {
		return false
	}
	return !a.s.fileAllowed(source.File{Path: path})
}

// Analyze scans one file.
func (a *Analyzer) Analyze(ctx context.Context, in *analysis.Input) (*analysis.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f := source.File{Path: in.Path, Mode: in.Mode, Size: in.Size, Layer: in.Layer, LayerIndex: in.LayerIndex}
	w := a.s.newWorker()
	res := &analysis.Result{Findings: strip(w.pathFindings(f))}
	if a.s.opts.MaxFileSize > 0 && in.Size > a.s.opts.MaxFileSize {
		res.Notes = append(res.Notes, fmt.Sprintf("%s: larger than %d bytes, not scanned for secrets", in.Path, a.s.opts.MaxFileSize))
		return res, nil
	}
	data, err := w.read(in.Reader(), in.Size)
	if err != nil {
		res.Notes = append(res.Notes, fmt.Sprintf("%s: not scanned for secrets: %v", in.Path, err))
		return res, nil
	}
	hs, _ := w.scanContent(f, data)
	res.Findings = append(res.Findings, strip(hs)...)
	return res, nil
}

// MarkDeleted implements analysis.DeletionMarker with the package's MarkDeleted.
func (a *Analyzer) MarkDeleted(f *finding.Finding) { MarkDeleted(f) }

// MarkDeleted records that the file of a finding was deleted by a later
// image layer: it is still in every pull, so the finding is at least high.
func MarkDeleted(f *finding.Finding) {
	if f.Location.Deleted {
		return
	}
	f.Location.Deleted = true
	if f.Severity < finding.SeverityHigh {
		f.Severity = finding.SeverityHigh
	}
	f.Message += deletedNote
}
