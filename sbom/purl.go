package sbom

import (
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/sluice-dev/sluice/inventory"
)

// fromPURL fills what a package URL tells about a package: its ecosystem
// (OSV names), record type, architecture and, for distro packages, the
// distro (from the "distro" qualifier) and the source package (syft's
// "upstream" qualifier). Fields already set are kept. An unparsable purl
// tells nothing.
func fromPURL(p *inventory.Package, purl string) (distro *inventory.Distro) {
	u, err := packageurl.FromString(purl)
	if err != nil {
		return nil
	}
	q := u.Qualifiers.Map()
	set := func(field *string, v string) {
		if *field == "" {
			*field = v
		}
	}
	if p.Name == "" {
		p.Name = u.Name
		if u.Namespace != "" && (u.Type == "golang" || u.Type == "npm" || u.Type == "composer") {
			p.Name = u.Namespace + "/" + u.Name
		}
		if u.Type == "maven" && u.Namespace != "" {
			p.Name = u.Namespace + ":" + u.Name
		}
	}
	set(&p.Version, u.Version)
	set(&p.Arch, q["arch"])
	eco, typ := "", ""
	switch u.Type {
	case "deb":
		typ = "deb"
		eco = distroEcosystem(u.Namespace)
	case "apk":
		typ = "apk"
		eco = distroEcosystem(u.Namespace)
	case "rpm":
		typ = "rpm"
		eco = distroEcosystem(u.Namespace)
	case "golang":
		eco, typ = inventory.Go, "go-module"
		if u.Name == "stdlib" && u.Namespace == "" {
			typ = "go-stdlib"
		}
	case "npm":
		eco, typ = inventory.NPM, "npm"
	case "pypi":
		eco, typ = inventory.PyPI, "python"
	case "maven":
		eco, typ = inventory.Maven, "java-archive"
	case "cargo":
		eco, typ = inventory.CratesIO, "rust-crate"
	case "gem":
		eco, typ = inventory.RubyGems, "gem"
	case "composer":
		eco, typ = inventory.Packagist, "php-composer"
	case "nuget":
		eco, typ = inventory.NuGet, "dotnet"
	}
	set(&p.Ecosystem, eco)
	set(&p.Type, typ)
	if up := q["upstream"]; up != "" && p.Source == nil && typ != "" && (typ == "deb" || typ == "rpm" || typ == "apk") {
		// syft: upstream=curl or upstream=curl@7.88.1-10 (rpm: the .src.rpm name).
		name, ver, _ := strings.Cut(up, "@")
		p.Source = &inventory.SourcePackage{Name: name, Version: ver}
	}
	if d := q["distro"]; d != "" && (typ == "deb" || typ == "rpm" || typ == "apk") {
		return parseDistroQualifier(d, u.Namespace)
	}
	return nil
}

// distroEcosystem maps a purl namespace (deb/debian, rpm/redhat, ...) onto
// an OSV ecosystem name.
func distroEcosystem(ns string) string {
	switch strings.ToLower(ns) {
	case "debian":
		return inventory.Debian
	case "ubuntu":
		return inventory.Ubuntu
	case "alpine", "alpinelinux":
		return inventory.Alpine
	case "almalinux", "alma":
		return inventory.AlmaLinux
	case "rocky", "rockylinux", "rocky-linux":
		return inventory.Rocky
	case "redhat", "rhel", "centos":
		return inventory.RedHat
	case "suse", "opensuse", "sles", "opensuse-leap", "opensuse-tumbleweed":
		return inventory.SUSE
	case "mariner", "cbl-mariner", "azurelinux":
		return inventory.Mariner
	}
	return ""
}

// parseDistroQualifier reads "debian-12", "alpine-3.18.4" or
// "opensuse-leap-15.5" (syft): the ID is everything before the last "-"
// that is followed by a digit. A bare version ("3.19.1", as trivy writes
// for apk) takes the ID from the purl namespace.
func parseDistroQualifier(s, namespace string) *inventory.Distro {
	if s[0] >= '0' && s[0] <= '9' {
		return &inventory.Distro{ID: strings.ToLower(namespace), VersionID: s}
	}
	for i := len(s) - 1; i > 0; i-- {
		if s[i] == '-' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
			return &inventory.Distro{ID: s[:i], VersionID: s[i+1:]}
		}
	}
	return &inventory.Distro{ID: s}
}
