// Package analysis defines the Analyzer plug-in interface and the driver that
// reads every wanted file of a source exactly once, hands it to each analyzer
// that asked for it, runs image layers in parallel, caches per-layer results
// by diffID and applies the layers in order.
package analysis

import (
	"context"
	"io"
	"io/fs"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/inventory"
)

// Analyzer is a cataloger or detector. Name and Version identify it in the
// layer cache key: bump Version whenever its output for the same input changes.
type Analyzer interface {
	Name() string
	Version() int
	// Wants reports, from the path and stat alone (no I/O), whether Analyze
	// needs this file.
	Wants(path string, mode fs.FileMode, size int64) bool
	// Analyze inspects one wanted file. A malformed file is not an error of
	// the scan: return what could be read and describe the problem in a
	// Result note; return an error only when the analysis cannot continue.
	Analyze(ctx context.Context, in *Input) (*Result, error)
}

// Input is one file handed to an analyzer. Content holds the file's bytes,
// read once by the driver and shared by every analyzer that wanted the file;
// it is valid only during the Analyze call.
type Input struct {
	Path       string
	Mode       fs.FileMode
	Size       int64
	Layer      string // diffID, empty for non-image targets
	LayerIndex int
	Content    io.ReaderAt
}

// Reader returns a fresh reader over the whole content.
func (in *Input) Reader() *io.SectionReader { return io.NewSectionReader(in.Content, 0, in.Size) }

// Location is the inventory location of this input.
func (in *Input) Location() inventory.Location {
	return inventory.Location{Path: in.Path, Layer: in.Layer, LayerIndex: in.LayerIndex}
}

// Result is what an analyzer found in one file.
type Result struct {
	Packages []inventory.Package `json:"packages,omitempty"`
	Findings []finding.Finding   `json:"findings,omitempty"`
	// Distro is set by the analyzer that reads os-release and friends.
	Distro *inventory.Distro `json:"distro,omitempty"`
	// Notes describe files that could not be fully read.
	Notes []string `json:"notes,omitempty"`
	// Owned are paths that the file records as belonging to an installed
	// package without itself describing the package (dpkg info/*.list, a
	// RECORD file): the driver counts them as owned when it lists
	// executables no package accounts for (Inventory.Unowned).
	Owned []string `json:"owned,omitempty"`
}

// Recorder selects filesystem entries whose metadata matters in itself, not
// their content: setuid or world-writable files, directories, the shells an
// image ships. The driver keeps the selected entries of each layer in that
// layer's record during the same single pass that reads wanted files (so
// they are cached with it), and Output.Files lists them with the final view
// resolved. Name and Version join the layer cache key, as an Analyzer's do.
type Recorder interface {
	Name() string
	Version() int
	// Records reports, from the path and mode alone, whether to keep the
	// entry. It sees every entry: directories and symlinks too.
	Records(path string, mode fs.FileMode) bool
}

// DeletionMarker is implemented by detectors whose findings change meaning
// when a later layer deleted the file: a secret removed in a later layer is
// still in every pull. For their findings in such files the driver calls
// MarkDeleted (to raise the severity, say) before it sets Location.Deleted.
type DeletionMarker interface {
	MarkDeleted(f *finding.Finding)
}

// Finisher is implemented by analyzers that complete the merged inventory
// once every layer is applied, e.g. to add the distro qualifier to purls of
// OS packages (the distro may be declared in another layer).
type Finisher interface {
	Finish(inv *inventory.Inventory)
}
