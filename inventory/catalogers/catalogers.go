// Package catalogers is the one list of sluice's package catalogers. The
// caller (the analysis driver, `sluice sbom`) passes All() in; nothing
// registers itself. Keep the list sorted by package name.
package catalogers

import (
	"github.com/sluice-dev/sluice/analysis"
	"github.com/sluice-dev/sluice/inventory/apk"
	"github.com/sluice-dev/sluice/inventory/dotnet"
	"github.com/sluice-dev/sluice/inventory/dpkg"
	"github.com/sluice-dev/sluice/inventory/gobinary"
	"github.com/sluice-dev/sluice/inventory/java"
	"github.com/sluice-dev/sluice/inventory/npm"
	"github.com/sluice-dev/sluice/inventory/osrelease"
	"github.com/sluice-dev/sluice/inventory/php"
	"github.com/sluice-dev/sluice/inventory/python"
	"github.com/sluice-dev/sluice/inventory/rpm"
	"github.com/sluice-dev/sluice/inventory/ruby"
	"github.com/sluice-dev/sluice/inventory/rust"
)

// All returns a fresh instance of every cataloger.
func All() []analysis.Analyzer {
	return []analysis.Analyzer{
		apk.New(),
		dotnet.New(),
		dpkg.New(),
		gobinary.New(),
		java.New(),
		npm.New(),
		osrelease.New(),
		php.New(),
		python.New(),
		rpm.New(),
		ruby.New(),
		rust.New(),
	}
}
