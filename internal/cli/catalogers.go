package cli

import (
	"github.com/sluice-dev/sluice/analysis"
	"github.com/sluice-dev/sluice/inventory/catalogers"
)

// catalogerList is the analyzers `sluice sbom` (and every command that
// inventories a target) runs. Tests swap it for small fakes.
func catalogerList() []analysis.Analyzer {
	return catalogers.All()
}
