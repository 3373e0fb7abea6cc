// Package npm catalogs JavaScript packages from npm's lockfiles
// (package-lock.json and npm-shrinkwrap.json, lockfileVersion 1, 2 and 3),
// yarn.lock (classic v1 and berry), pnpm-lock.yaml (lockfile 5.x, 6 and 9)
// and from installed packages (node_modules/**/package.json).
//
// Formats: https://docs.npmjs.com/cli/configuring-npm/package-lock-json,
// https://classic.yarnpkg.com/lang/en/docs/yarn-lock/, yarn berry's
// lockfile (YAML, __metadata), https://pnpm.io/git#lockfiles.
// Lockfiles list what an install would fetch; workspace, link, file and git
// entries are left out (they are not registry packages).
package npm

import (
	"context"
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
const Name = "npm"

// MaxLockfile bounds a lockfile (large monorepos reach tens of MiB).
const MaxLockfile = 64 << 20

// MaxManifest bounds an installed package.json.
const MaxManifest = 4 << 20

// Cataloger reads npm, yarn and pnpm lockfiles and installed package.json.
type Cataloger struct{}

var _ analysis.Analyzer = (*Cataloger)(nil)

// New returns the npm cataloger.
func New() *Cataloger { return &Cataloger{} }

// Name implements analysis.Analyzer.
func (*Cataloger) Name() string { return Name }

// Version implements analysis.Analyzer.
func (*Cataloger) Version() int { return 1 }

type kind int

const (
	none kind = iota
	npmLock
	yarnLock
	pnpmLock
	installed
)

func classify(p string) kind {
	base := path.Base(p)
	inNodeModules := strings.HasPrefix(p, "node_modules/") || strings.Contains(p, "/node_modules/")
	switch base {
	case "package-lock.json", "npm-shrinkwrap.json":
		if !inNodeModules {
			return npmLock
		}
	case "yarn.lock":
		if !inNodeModules {
			return yarnLock
		}
	case "pnpm-lock.yaml":
		if !inNodeModules {
			return pnpmLock
		}
	case "package.json":
		if installedManifest(p) {
			return installed
		}
	}
	return none
}

// installedManifest tells whether p is node_modules/<name>/package.json or
// node_modules/@scope/<name>/package.json (at any depth).
func installedManifest(p string) bool {
	i := strings.LastIndex("/"+p, "/node_modules/")
	if i < 0 {
		return false
	}
	rest := strings.Split(("/" + p)[i+len("/node_modules/"):], "/")
	switch {
	case len(rest) == 2:
		return rest[0] != "" && !strings.HasPrefix(rest[0], ".") && !strings.HasPrefix(rest[0], "@")
	case len(rest) == 3:
		return strings.HasPrefix(rest[0], "@") && len(rest[0]) > 1 && rest[1] != ""
	}
	return false
}

// Wants implements analysis.Analyzer.
func (*Cataloger) Wants(p string, mode fs.FileMode, size int64) bool {
	if mode&fs.ModeType != 0 {
		return false
	}
	switch classify(p) {
	case npmLock, yarnLock, pnpmLock:
		return size <= MaxLockfile
	case installed:
		return size <= MaxManifest
	}
	return false
}

// pkg is one name@version found in a file.
type pkg struct {
	name, version, license string
}

// Analyze implements analysis.Analyzer.
func (c *Cataloger) Analyze(ctx context.Context, in *analysis.Input) (*analysis.Result, error) {
	k := classify(in.Path)
	limit := int64(MaxLockfile)
	if k == installed {
		limit = MaxManifest
	}
	res := &analysis.Result{}
	data, err := safeio.ReadAll(in.Reader(), limit, "npm file size")
	if err != nil {
		res.Notes = append(res.Notes, fmt.Sprintf("read %s: %v", in.Path, err))
		return res, nil
	}
	var pkgs []pkg
	switch k {
	case npmLock:
		pkgs, err = parsePackageLock(ctx, data)
	case yarnLock:
		pkgs, err = parseYarnLock(ctx, data)
	case pnpmLock:
		pkgs, err = parsePnpmLock(ctx, data)
	case installed:
		var p *pkg
		p, err = parseManifest(data)
		if p != nil {
			pkgs = []pkg{*p}
		}
	default:
		return res, nil
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		res.Notes = append(res.Notes, fmt.Sprintf("parse %s: %v", in.Path, err))
	}
	res.Packages = toPackages(pkgs, in)
	return res, nil
}

// toPackages turns what a file lists into its packages, each once, sorted.
func toPackages(pkgs []pkg, in *analysis.Input) []inventory.Package {
	var out []inventory.Package
	for _, p := range pkgs {
		ip := inventory.Package{
			Name: p.name, Version: p.version, Ecosystem: inventory.NPM, Type: "npm",
			PURL: PURL(p.name, p.version), Locations: []inventory.Location{in.Location()}, Cataloger: Name,
		}
		if p.license != "" {
			ip.Licenses = []string{p.license}
		}
		out = append(out, ip)
	}
	return pkgset.Tidy(out, nil)
}

// PURL returns pkg:npm/[%40scope/]name@version.
func PURL(name, version string) string {
	ns := ""
	if strings.HasPrefix(name, "@") {
		if i := strings.IndexByte(name, '/'); i > 0 {
			ns, name = name[:i], name[i+1:]
		}
	}
	return packageurl.NewPackageURL(packageurl.TypeNPM, ns, name, version, nil, "").ToString()
}

// splitNameVersion splits "name@version" and "@scope/name@version".
func splitNameVersion(s string) (name, version string, ok bool) {
	i := strings.LastIndexByte(s, '@')
	if i <= 0 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}
