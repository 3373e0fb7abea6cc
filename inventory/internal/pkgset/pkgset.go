// Package pkgset turns the packages a cataloger found in one file into the
// list it reports: complete (a name and a version), each once, sorted by
// name, then version. Lockfiles repeat a package for every dependent and
// ecosystems spell one name several ways; every language cataloger needs
// the same clean-up.
package pkgset

import (
	"cmp"
	"slices"

	"github.com/sluice-dev/sluice/inventory"
)

// Key says which packages are the same one.
type Key func(p *inventory.Package) [2]string

// NameVersion is the default Key: the name and version as written.
func NameVersion(p *inventory.Package) [2]string { return [2]string{p.Name, p.Version} }

// Tidy returns pkgs without those lacking a name or a version and without
// repeats (of packages with the same key, the first is kept), sorted by
// name, then version. A nil key is NameVersion. It returns nil when nothing
// is left; pkgs is not modified.
func Tidy(pkgs []inventory.Package, key Key) []inventory.Package {
	if key == nil {
		key = NameVersion
	}
	var out []inventory.Package
	seen := map[[2]string]bool{}
	for i := range pkgs {
		p := &pkgs[i]
		if p.Name == "" || p.Version == "" {
			continue
		}
		k := key(p)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, *p)
	}
	slices.SortFunc(out, func(a, b inventory.Package) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Version, b.Version))
	})
	return out
}
