// Package php catalogs PHP packages from Composer: composer.lock
// (https://getcomposer.org/doc/01-basic-usage.md#commit-your-composer-lock-file-to-version-control)
// and the installed set vendor/composer/installed.json (Composer 2's
// {"packages": [...]} and Composer 1's bare array).
package php

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
const Name = "php-composer"

// MaxFile bounds a lockfile or installed.json.
const MaxFile = 64 << 20

// Cataloger reads composer.lock and vendor/composer/installed.json.
type Cataloger struct{}

var _ analysis.Analyzer = (*Cataloger)(nil)

// New returns the Composer cataloger.
func New() *Cataloger { return &Cataloger{} }

// Name implements analysis.Analyzer.
func (*Cataloger) Name() string { return Name }

// Version implements analysis.Analyzer.
func (*Cataloger) Version() int { return 1 }

func isInstalled(p string) bool {
	return p == "vendor/composer/installed.json" || strings.HasSuffix(p, "/vendor/composer/installed.json")
}

// Wants implements analysis.Analyzer.
func (*Cataloger) Wants(p string, mode fs.FileMode, size int64) bool {
	return mode&fs.ModeType == 0 && size <= MaxFile && (path.Base(p) == "composer.lock" || isInstalled(p))
}

type composerPackage struct {
	Name    string          `json:"name"`
	Version string          `json:"version"`
	License json.RawMessage `json:"license"`
}

type lockFile struct {
	Packages    []composerPackage `json:"packages"`
	PackagesDev []composerPackage `json:"packages-dev"`
}

// Analyze implements analysis.Analyzer.
func (c *Cataloger) Analyze(ctx context.Context, in *analysis.Input) (*analysis.Result, error) {
	res := &analysis.Result{}
	data, err := safeio.ReadAll(in.Reader(), MaxFile, "composer file size")
	if err != nil {
		res.Notes = append(res.Notes, fmt.Sprintf("read %s: %v", in.Path, err))
		return res, nil
	}
	var pkgs []composerPackage
	var lock lockFile
	if err := json.Unmarshal(data, &lock); err == nil {
		pkgs = append(lock.Packages, lock.PackagesDev...)
	} else if err := json.Unmarshal(data, &pkgs); err != nil { // Composer 1 installed.json
		res.Notes = append(res.Notes, fmt.Sprintf("parse %s: %v", in.Path, err))
		return res, nil
	}
	typ := "php-composer-lock"
	if isInstalled(in.Path) {
		typ = "php-composer"
	}
	var found []inventory.Package
	for _, p := range pkgs {
		vendor, name, ok := strings.Cut(p.Name, "/")
		if !ok || vendor == "" || name == "" || p.Version == "" || strings.HasPrefix(p.Version, "dev-") {
			continue // a branch (dev-main) is not a release
		}
		ip := inventory.Package{
			Name: p.Name, Version: p.Version, Ecosystem: inventory.Packagist, Type: typ,
			PURL:      packageurl.NewPackageURL(packageurl.TypeComposer, vendor, name, p.Version, nil, "").ToString(),
			Locations: []inventory.Location{in.Location()}, Cataloger: Name,
		}
		var lics []string
		if json.Unmarshal(p.License, &lics) != nil {
			var one string
			if json.Unmarshal(p.License, &one) == nil && one != "" {
				lics = []string{one}
			}
		}
		if len(lics) > 1 {
			ip.Licenses = []string{"(" + strings.Join(lics, " OR ") + ")"} // Composer: an array means a choice
		} else if len(lics) == 1 {
			ip.Licenses = lics
		}
		found = append(found, ip)
	}
	res.Packages = pkgset.Tidy(found, nil)
	return res, nil
}
