package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/inventory"
)

// maxInputSize bounds an SBOM or inventory file read by scan.
const maxInputSize = 256 << 20

// readInventoryFile reads a sluice inventory JSON, or a CycloneDX or SPDX
// JSON SBOM from any tool, into an Inventory.
//
// The SBOM decoding here is deliberately minimal (name, version, purl and
// the purl's distro/upstream qualifiers) until the sbom package lands on
// main; then this becomes a call to its decoder, and scanInventory stays the
// hook every target kind feeds.
func readInventoryFile(path string) (inventory.Inventory, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return inventory.Inventory{}, "", usageErrorf("scan: %v", err)
	}
	defer f.Close()
	data, err := safeio.ReadAll(f, maxInputSize, path)
	if err != nil {
		return inventory.Inventory{}, "", usageErrorf("scan %s: %v", path, err)
	}
	return decodeInventory(path, data)
}

// decodeInventory tells the three formats apart and decodes one.
func decodeInventory(path string, data []byte) (inventory.Inventory, string, error) {
	var probe struct {
		BOMFormat   string          `json:"bomFormat"`
		SPDXVersion string          `json:"spdxVersion"`
		Packages    json.RawMessage `json:"packages"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return inventory.Inventory{}, "", usageErrorf("scan %s: not JSON: %v", path, err)
	}
	switch {
	case probe.BOMFormat == "CycloneDX":
		inv, err := decodeCycloneDX(data)
		if err != nil {
			return inv, "", usageErrorf("scan %s: CycloneDX: %v", path, err)
		}
		return inv, "sbom", nil
	case probe.SPDXVersion != "":
		inv, err := decodeSPDX(data)
		if err != nil {
			return inv, "", usageErrorf("scan %s: SPDX: %v", path, err)
		}
		return inv, "sbom", nil
	case probe.Packages != nil:
		var inv inventory.Inventory
		d := json.NewDecoder(bytes.NewReader(data))
		if err := d.Decode(&inv); err != nil {
			return inv, "", usageErrorf("scan %s: sluice inventory: %v", path, err)
		}
		return inv, "inventory", nil
	}
	return inventory.Inventory{}, "", usageErrorf("scan %s: neither CycloneDX, SPDX nor a sluice inventory (no bomFormat, spdxVersion or packages)", path)
}

func decodeCycloneDX(data []byte) (inventory.Inventory, error) {
	type component struct {
		Name       string      `json:"name"`
		Version    string      `json:"version"`
		PURL       string      `json:"purl"`
		Components []component `json:"components"`
	}
	var doc struct {
		Components []component `json:"components"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return inventory.Inventory{}, err
	}
	var inv inventory.Inventory
	var walk func([]component)
	walk = func(cs []component) {
		for _, c := range cs {
			addPURL(&inv, c.Name, c.Version, c.PURL)
			walk(c.Components)
		}
	}
	walk(doc.Components)
	return inv, nil
}

func decodeSPDX(data []byte) (inventory.Inventory, error) {
	var doc struct {
		Packages []struct {
			Name         string `json:"name"`
			VersionInfo  string `json:"versionInfo"`
			ExternalRefs []struct {
				Category string `json:"referenceCategory"`
				Type     string `json:"referenceType"`
				Locator  string `json:"referenceLocator"`
			} `json:"externalRefs"`
		} `json:"packages"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return inventory.Inventory{}, err
	}
	var inv inventory.Inventory
	for _, p := range doc.Packages {
		for _, r := range p.ExternalRefs {
			if r.Type == "purl" {
				addPURL(&inv, p.Name, p.VersionInfo, r.Locator)
				break
			}
		}
	}
	return inv, nil
}

// purlEcosystems maps purl types onto OSV ecosystems.
var purlEcosystems = map[string]string{
	"golang": inventory.Go, "pypi": inventory.PyPI, "maven": inventory.Maven, "npm": inventory.NPM,
	"cargo": inventory.CratesIO, "gem": inventory.RubyGems, "nuget": inventory.NuGet, "composer": inventory.Packagist,
}

var purlDistros = map[string]string{
	"debian": inventory.Debian, "ubuntu": inventory.Ubuntu, "alpine": inventory.Alpine,
	"almalinux": inventory.AlmaLinux, "rocky": inventory.Rocky, "redhat": inventory.RedHat, "rhel": inventory.RedHat,
	"wolfi": "Wolfi", "chainguard": "Chainguard", "opensuse": "openSUSE", "sles": inventory.SUSE, "mariner": inventory.Mariner,
}

// addPURL adds the package a purl describes; packages without a purl of a
// known type cannot be matched and are left out.
func addPURL(inv *inventory.Inventory, name, ver, purl string) {
	if purl == "" {
		return
	}
	p, err := packageurl.FromString(purl)
	if err != nil {
		return
	}
	q := p.Qualifiers.Map()
	pkg := inventory.Package{Name: p.Name, Version: p.Version, PURL: purl, Type: p.Type}
	if pkg.Version == "" {
		pkg.Version = ver
	}
	switch p.Type {
	case "deb", "apk", "rpm":
		pkg.Ecosystem = purlDistros[strings.ToLower(p.Namespace)]
		if pkg.Ecosystem == "" {
			return
		}
		if e := q["epoch"]; e != "" && e != "0" && !strings.Contains(pkg.Version, ":") {
			pkg.Version = e + ":" + pkg.Version
		}
		if up := q["upstream"]; up != "" && p.Type != "rpm" {
			src := inventory.SourcePackage{Name: up}
			if n, v, ok := strings.Cut(up, "@"); ok {
				src = inventory.SourcePackage{Name: n, Version: v}
			}
			pkg.Source = &src
		}
		if d := q["distro"]; d != "" && inv.Distro == nil {
			id, vid := d, ""
			if i := strings.LastIndex(d, "-"); i > 0 {
				id, vid = d[:i], d[i+1:]
			}
			inv.Distro = &inventory.Distro{ID: id, VersionID: vid}
		}
	default:
		pkg.Ecosystem = purlEcosystems[p.Type]
		if pkg.Ecosystem == "" {
			return
		}
		switch p.Type {
		case "golang", "npm", "composer":
			if p.Namespace != "" {
				pkg.Name = p.Namespace + "/" + p.Name
			}
		case "maven":
			if p.Namespace != "" {
				pkg.Name = p.Namespace + ":" + p.Name
			}
		}
		if p.Type == "golang" && (pkg.Name == "stdlib" || pkg.Name == "golang.org/go") {
			pkg.Name, pkg.Type = "stdlib", "go-stdlib"
		}
	}
	if pkg.Version == "" {
		return
	}
	inv.Packages = append(inv.Packages, pkg)
}
