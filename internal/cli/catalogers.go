package cli

import "github.com/sluice-dev/sluice/analysis"

// catalogerList is the analyzers `sluice sbom` runs: the package catalogers
// (inventory/catalogers) once they are on this branch. Until then it is
// empty, and the inventory lists only what the driver itself finds (layers,
// unowned executables and libraries).
func catalogerList() []analysis.Analyzer {
	return nil
}
