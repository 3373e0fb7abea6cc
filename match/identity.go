package match

import (
	"fmt"
	"strings"

	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/vulndb"
	"github.com/sluice-dev/sluice/vulndb/importer/debian"
)

// Identity is a package as an advisory source names it: the ecosystem with
// release, the name and the version to compare.
type Identity struct {
	Ecosystem string
	Name      string
	Version   string
	// Why explains how the identity was derived ("source package of libssl3").
	Why string
}

func (id Identity) String() string {
	s := id.Ecosystem + "/" + id.Name + " " + id.Version
	if id.Why != "" {
		s += " (" + id.Why + ")"
	}
	return s
}

// distroEcosystems are the ecosystems whose advisories are per release.
var distroEcosystems = map[string]bool{
	inventory.Debian: true, inventory.Ubuntu: true, inventory.Alpine: true, inventory.AlmaLinux: true,
	inventory.Rocky: true, inventory.RedHat: true, inventory.SUSE: true, inventory.Mariner: true,
	"Wolfi": true, "Chainguard": true, "openSUSE": true, "Azure Linux": true,
}

// IsDistro reports whether a package ecosystem is an operating system's.
func IsDistro(ecosystem string) bool {
	base, _, _ := strings.Cut(ecosystem, ":")
	return distroEcosystems[base]
}

// Identify maps an inventory package onto the identity advisories use:
//   - Debian and Ubuntu: "Debian:<major>" and the source package with its
//     version (the tracker and DSAs are per source package);
//   - Alpine: "Alpine:v<major.minor>" and the origin package;
//   - RPM distros: "<Distro>:<major>" and the binary package name, EVR version;
//   - Go: the module path, or "stdlib" for the standard library;
//   - PyPI: the PEP 503 normalised name; Maven: "group:artifact";
//   - npm, crates.io, RubyGems, NuGet, Packagist: the name as is.
func Identify(p inventory.Package, distro *inventory.Distro) (Identity, error) {
	if p.Name == "" || p.Version == "" {
		return Identity{}, fmt.Errorf("package %q has no name or version", p.Name)
	}
	eco := p.Ecosystem
	if eco == "" {
		return Identity{}, fmt.Errorf("package %s@%s has no ecosystem", p.Name, p.Version)
	}
	base, rel, hasRel := strings.Cut(eco, ":")
	id := Identity{Ecosystem: eco, Name: p.Name, Version: p.Version}
	if IsDistro(base) {
		if !hasRel {
			switch {
			case distro != nil && distro.VersionID != "":
				rel = distro.VersionID
			case distro != nil && base == inventory.Debian && debian.Releases[distro.Codename] != "":
				rel = debian.Releases[distro.Codename] // os-release of testing has a codename only
			default:
				return Identity{}, fmt.Errorf("%s package %s: the distro release is unknown (no os-release VERSION_ID)", base, p.Name)
			}
		}
		switch base {
		case inventory.Alpine, "Wolfi", "Chainguard":
			if base == inventory.Alpine {
				if rel != "edge" {
					rel = "v" + majorMinor(strings.TrimPrefix(rel, "v"))
				}
				id.Ecosystem = base + ":" + rel
			} else {
				id.Ecosystem = base
			}
			if p.Source != nil && p.Source.Name != "" && p.Source.Name != p.Name {
				id.Name = p.Source.Name
				id.Why = "origin of " + p.Name
			}
		case inventory.Debian, inventory.Ubuntu:
			if base == inventory.Debian {
				rel = major(rel)
			}
			id.Ecosystem = base + ":" + rel
			if p.Source != nil && p.Source.Name != "" {
				if p.Source.Name != p.Name {
					id.Name = p.Source.Name
					id.Why = "source package of " + p.Name
				}
				if p.Source.Version != "" {
					id.Version = p.Source.Version
				}
			}
		default: // RPM distros: advisories list binary packages
			id.Ecosystem = base + ":" + major(rel)
		}
		return id, nil
	}
	switch base {
	case inventory.PyPI:
		id.Name = vulndb.NormalizeName(base, p.Name)
	case inventory.Maven:
		if !strings.Contains(p.Name, ":") {
			if g, a, ok := mavenFromPURL(p.PURL); ok {
				id.Name = g + ":" + a
				id.Why = "group from purl"
			}
		}
	case inventory.Go:
		if p.Type == "go-stdlib" || p.Name == "go" || p.Name == "golang" {
			id.Name = "stdlib"
			id.Why = "Go standard library"
		}
	}
	return id, nil
}

func major(v string) string {
	m, _, _ := strings.Cut(v, ".")
	return m
}

func majorMinor(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) >= 2 {
		return parts[0] + "." + parts[1]
	}
	return v
}

// mavenFromPURL reads group and artifact from pkg:maven/group/artifact@v.
func mavenFromPURL(purl string) (group, artifact string, ok bool) {
	rest, found := strings.CutPrefix(purl, "pkg:maven/")
	if !found {
		return "", "", false
	}
	rest, _, _ = strings.Cut(rest, "@")
	rest, _, _ = strings.Cut(rest, "?")
	group, artifact, ok = strings.Cut(rest, "/")
	return group, artifact, ok && group != "" && artifact != ""
}
