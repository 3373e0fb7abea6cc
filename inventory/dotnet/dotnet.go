// Package dotnet catalogs .NET NuGet packages from an application's
// *.deps.json (the "libraries" of type "package", written by the SDK next to
// the built application; https://github.com/dotnet/sdk/blob/main/documentation/specs/runtime-configuration-file.md)
// and from NuGet lockfiles, packages.lock.json (every resolved package of
// every target framework except project references).
package dotnet

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/package-url/packageurl-go"
	"github.com/sluice-dev/sluice/analysis"
	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/inventory/internal/pkgset"
)

// Name is the cataloger's name.
const Name = "dotnet"

// MaxFile bounds a deps.json or lockfile.
const MaxFile = safeio.MaxConfigFile

// Cataloger reads *.deps.json and packages.lock.json.
type Cataloger struct{}

var _ analysis.Analyzer = (*Cataloger)(nil)

// New returns the .NET cataloger.
func New() *Cataloger { return &Cataloger{} }

// Name implements analysis.Analyzer.
func (*Cataloger) Name() string { return Name }

// Version implements analysis.Analyzer.
func (*Cataloger) Version() int { return 1 }

// Wants implements analysis.Analyzer.
func (*Cataloger) Wants(p string, mode fs.FileMode, size int64) bool {
	b := path.Base(p)
	return mode&fs.ModeType == 0 && size <= MaxFile &&
		(b == "packages.lock.json" || (strings.HasSuffix(b, ".deps.json") && len(b) > len(".deps.json")))
}

type depsJSON struct {
	Libraries map[string]struct {
		Type string `json:"type"`
	} `json:"libraries"`
}

type lockJSON struct {
	Version      int                                  `json:"version"`
	Dependencies map[string]map[string]lockDependency `json:"dependencies"`
}

type lockDependency struct {
	Type     string `json:"type"`
	Resolved string `json:"resolved"`
}

// Analyze implements analysis.Analyzer.
func (c *Cataloger) Analyze(ctx context.Context, in *analysis.Input) (*analysis.Result, error) {
	res := &analysis.Result{}
	data, err := safeio.ReadAll(in.Reader(), MaxFile, ".NET file size")
	if err != nil {
		res.Notes = append(res.Notes, fmt.Sprintf("read %s: %v", in.Path, err))
		return res, nil
	}
	type nv struct{ name, version string }
	var found []nv
	typ := "dotnet-deps"
	if path.Base(in.Path) == "packages.lock.json" {
		typ = "dotnet-lock"
		var lock lockJSON
		if err := json.Unmarshal(data, &lock); err != nil {
			res.Notes = append(res.Notes, fmt.Sprintf("parse %s: %v", in.Path, err))
			return res, nil
		}
		for _, deps := range lock.Dependencies {
			for name, d := range deps {
				if d.Type != "Project" && d.Resolved != "" {
					found = append(found, nv{name, d.Resolved})
				}
			}
		}
	} else {
		var deps depsJSON
		if err := json.Unmarshal(data, &deps); err != nil {
			res.Notes = append(res.Notes, fmt.Sprintf("parse %s: %v", in.Path, err))
			return res, nil
		}
		for key, lib := range deps.Libraries {
			name, version, ok := strings.Cut(key, "/")
			if ok && lib.Type == "package" && name != "" && version != "" {
				found = append(found, nv{name, version})
			}
		}
	}
	var pkgs []inventory.Package
	for _, f := range found {
		pkgs = append(pkgs, inventory.Package{
			Name: f.name, Version: f.version, Ecosystem: inventory.NuGet, Type: typ,
			PURL:      packageurl.NewPackageURL(packageurl.TypeNuget, "", f.name, f.version, nil, "").ToString(),
			Locations: []inventory.Location{in.Location()}, Cataloger: Name,
		})
	}
	res.Packages = pkgset.Tidy(pkgs, nil)
	return res, nil
}
