package audit

import (
	"io/fs"

	"github.com/sluice-dev/sluice/analysis"
)

// Recorder returns the analysis.Recorder that keeps the entries the file
// checks judge (setuid/setgid files for AUD005, world-writable files and
// directories for AUD006, shells, package managers and SSH servers for
// AUD007), so the analysis driver collects them in the one pass that reads
// the layers, and its Output.Files becomes Image.Files.
func Recorder() analysis.Recorder { return recorder{} }

type recorder struct{}

var _ analysis.Recorder = recorder{}

func (recorder) Name() string { return "audit-files" }

// Version changes whenever Records selects other entries: cached layer
// records made with another selection must not be reused.
func (recorder) Version() int { return 1 }

// Records selects with the same predicates the rules apply, so the rules
// see every entry they could report.
func (recorder) Records(path string, mode fs.FileMode) bool {
	return setID(mode) || worldWritable(mode) || (!mode.IsDir() && toolKind(path) != "")
}
