// Package feeds lists every advisory feed importer sluice ships, in the
// order the import runner tries them (most specific format first, OSV last).
package feeds

import (
	"github.com/sluice-dev/sluice/vulndb/importer"
	"github.com/sluice-dev/sluice/vulndb/importer/alpine"
	"github.com/sluice-dev/sluice/vulndb/importer/debian"
	"github.com/sluice-dev/sluice/vulndb/importer/nswg"
	"github.com/sluice-dev/sluice/vulndb/importer/osv"
)

// All returns the importers.
func All() []importer.Importer {
	return []importer.Importer{
		debian.List{},
		debian.JSON{},
		alpine.SecDB{},
		nswg.Importer{},
		osv.Importer{},
	}
}
