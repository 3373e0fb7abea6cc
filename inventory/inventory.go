// Package inventory is the package model of sluice: what an image, directory
// or SBOM contains. Catalogers (inventory/<ecosystem>) produce Packages; sbom
// encodes and decodes an Inventory; match joins it with advisories. Adding an
// ecosystem never edits this package.
package inventory

// Ecosystem names follow the OSV schema's ecosystem list
// (https://ossf.github.io/osv-schema/#affectedpackage-field) so a package can
// be looked up in an OSV-shaped advisory store without translation. Distro
// ecosystems carry no release here; Inventory.Distro gives it.
const (
	Debian    = "Debian"
	Ubuntu    = "Ubuntu"
	Alpine    = "Alpine"
	AlmaLinux = "AlmaLinux"
	Rocky     = "Rocky Linux"
	RedHat    = "Red Hat"
	SUSE      = "SUSE"
	Mariner   = "CBL-Mariner"
	Go        = "Go"
	NPM       = "npm"
	PyPI      = "PyPI"
	Maven     = "Maven"
	CratesIO  = "crates.io"
	RubyGems  = "RubyGems"
	Packagist = "Packagist"
	NuGet     = "NuGet"
)

// Package is one installed or declared package.
type Package struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// Ecosystem is the OSV ecosystem name (see the constants above).
	Ecosystem string `json:"ecosystem"`
	// PURL is the package URL (https://github.com/package-url/purl-spec).
	PURL string `json:"purl"`
	// Type is what kind of record described it: "deb", "apk", "rpm",
	// "go-module", "go-stdlib", "npm", "python", "java-archive", ...
	Type string `json:"type"`
	// Source is the distro source package a binary package was built from;
	// distro advisories are keyed by it.
	Source *SourcePackage `json:"source,omitempty"`
	// Arch is the package's architecture where the record states it.
	Arch     string   `json:"arch,omitempty"`
	Licenses []string `json:"licenses,omitempty"`
	// Locations are the files that declared the package, with their layer.
	Locations []Location `json:"locations"`
	// Cataloger is the name of the cataloger that found it.
	Cataloger string `json:"cataloger"`
	// Files are paths the package owns (dpkg .list, rpm file lists), used to
	// tell which executables no package accounts for. Kept in the layer cache;
	// the SBOM writers leave it out.
	Files []string `json:"files,omitempty"`
}

// SourcePackage is a distro source package and its version.
type SourcePackage struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

// Location is a file in the target, with the image layer that holds it.
type Location struct {
	Path       string `json:"path"`
	Layer      string `json:"layer,omitempty"` // diffID
	LayerIndex int    `json:"layer_index"`
}

// Distro identifies the operating system of an image, from os-release.
type Distro struct {
	ID        string `json:"id"`         // os-release ID: debian, alpine, almalinux, ...
	VersionID string `json:"version_id"` // os-release VERSION_ID: 12, 3.18.4, 9.3
	Codename  string `json:"codename,omitempty"`
	Name      string `json:"name,omitempty"` // PRETTY_NAME
}

// Layer describes one image layer and the build step that made it.
type Layer struct {
	Index     int    `json:"index"`
	Digest    string `json:"digest,omitempty"` // compressed blob digest
	DiffID    string `json:"diff_id"`
	Size      int64  `json:"size,omitempty"`
	CreatedBy string `json:"created_by,omitempty"` // history.created_by
}

// Unowned is an executable or shared library that no cataloged package
// accounts for: what "distroless looks clean" hides.
type Unowned struct {
	Path  string `json:"path"`
	Layer string `json:"layer,omitempty"`
	Size  int64  `json:"size"`
	// LayerIndex is the 0-based position of Layer; Kind is "executable" or
	// "shared-library".
	LayerIndex int    `json:"layer_index"`
	Kind       string `json:"kind,omitempty"`
}

// Inventory is everything known to be in a target.
type Inventory struct {
	Distro   *Distro   `json:"distro,omitempty"`
	Packages []Package `json:"packages"`
	Layers   []Layer   `json:"layers,omitempty"`
	Unowned  []Unowned `json:"unowned,omitempty"`
	// UnownedCount is the number of unowned executables and libraries found;
	// Unowned may list fewer (the driver caps the list).
	UnownedCount int `json:"unowned_count,omitempty"`
}
