// Package dpkg catalogs Debian and Ubuntu packages from the dpkg database:
// var/lib/dpkg/status, the per-package files of distroless images under
// var/lib/dpkg/status.d/, and the file lists var/lib/dpkg/info/*.list (and
// status.d/*.md5sums) that say which files each package owns.
//
// Every file is analysed on its own (the driver caches results per layer),
// so a file list comes out as a placeholder package of Type FilesType; the
// Finisher folds the lists into their packages once all layers are merged,
// drops the placeholders, and sets the ecosystem and purl from the distro.
//
// Format: deb-control(5) paragraphs as written by dpkg (man dpkg, "INFORMATION
// ABOUT PACKAGES"); Source: is "name" or "name (version)" (deb-src-control(5)).
package dpkg

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/package-url/packageurl-go"
	"github.com/sluice-dev/sluice/analysis"
	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/inventory"
)

// Name is the cataloger's name.
const Name = "dpkg"

// FilesType is the Type of the placeholder packages that carry a file list
// until Finish merges them into the package they belong to.
const FilesType = "dpkg-files"

// MaxListFile bounds one .list or .md5sums file.
const MaxListFile = 32 << 20

const (
	statusPath = "var/lib/dpkg/status"
	statusDir  = "var/lib/dpkg/status.d/"
	infoDir    = "var/lib/dpkg/info/"
)

// Cataloger reads the dpkg database.
type Cataloger struct{}

var (
	_ analysis.Analyzer = (*Cataloger)(nil)
	_ analysis.Finisher = (*Cataloger)(nil)
)

// New returns the dpkg cataloger.
func New() *Cataloger { return &Cataloger{} }

// Name implements analysis.Analyzer.
func (*Cataloger) Name() string { return Name }

// Version implements analysis.Analyzer.
func (*Cataloger) Version() int { return 1 }

// Wants implements analysis.Analyzer.
func (*Cataloger) Wants(p string, mode fs.FileMode, size int64) bool {
	if mode&fs.ModeType != 0 {
		return false
	}
	switch {
	case p == statusPath:
		return size <= safeio.MaxPackageDB
	case strings.HasPrefix(p, statusDir):
		rest := p[len(statusDir):]
		return rest != "" && !strings.Contains(rest, "/") && !strings.HasPrefix(rest, ".") && size <= MaxListFile
	case strings.HasPrefix(p, infoDir) && strings.HasSuffix(p, ".list"):
		return !strings.Contains(p[len(infoDir):], "/") && size <= MaxListFile
	}
	return false
}

// Analyze implements analysis.Analyzer.
func (c *Cataloger) Analyze(ctx context.Context, in *analysis.Input) (*analysis.Result, error) {
	limit := int64(MaxListFile)
	if in.Path == statusPath {
		limit = safeio.MaxPackageDB
	}
	data, err := safeio.ReadAll(in.Reader(), limit, "dpkg database file size")
	if err != nil {
		return &analysis.Result{Notes: []string{fmt.Sprintf("read %s: %v", in.Path, err)}}, nil
	}
	base := path.Base(in.Path)
	switch {
	case strings.HasSuffix(base, ".list") && strings.HasPrefix(in.Path, infoDir):
		return &analysis.Result{Packages: []inventory.Package{fileList(in, strings.TrimSuffix(base, ".list"), data, false)}}, nil
	case strings.HasSuffix(base, ".md5sums"):
		return &analysis.Result{Packages: []inventory.Package{fileList(in, strings.TrimSuffix(base, ".md5sums"), data, true)}}, nil
	}
	pkgs, notes, err := ParseStatus(ctx, data)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", in.Path, err)
	}
	res := &analysis.Result{}
	for i := range notes {
		res.Notes = append(res.Notes, in.Path+": "+notes[i])
	}
	loc := in.Location()
	for _, e := range pkgs {
		p := e.ToPackage()
		p.Locations = []inventory.Location{loc}
		res.Packages = append(res.Packages, p)
	}
	return res, nil
}

// fileList turns a .list file ("/usr/bin/x" per line) or a .md5sums file
// ("<md5>  usr/bin/x" per line) into a placeholder package named after the
// file ("name" or "name:arch").
func fileList(in *analysis.Input, stem string, data []byte, md5 bool) inventory.Package {
	name, arch, _ := strings.Cut(stem, ":")
	var files []string
	for line := range bytes.SplitSeq(data, []byte("\n")) {
		s := strings.TrimRight(string(line), "\r")
		if md5 {
			_, s, _ = strings.Cut(s, "  ")
		}
		s = strings.TrimLeft(s, "/")
		if s == "" || s == "." {
			continue
		}
		if clean, err := safeio.CleanPath(s); err == nil && clean != "" {
			files = append(files, clean)
		}
	}
	return inventory.Package{Name: name, Arch: arch, Type: FilesType, Cataloger: Name,
		Files: files, Locations: []inventory.Location{in.Location()}}
}

// Entry is one package paragraph of the dpkg database, with the fields the
// cataloger uses.
type Entry struct {
	Package, Version, Architecture, Status string
	// SourceName and SourceVersion come from the Source: field; they default
	// to the binary package's name and version.
	SourceName, SourceVersion string
}

// ToPackage converts the entry to an inventory package (without locations),
// with a Debian purl that Finish completes once the distro is known.
func (e Entry) ToPackage() inventory.Package {
	p := inventory.Package{
		Name: e.Package, Version: e.Version, Ecosystem: inventory.Debian, Type: "deb",
		Arch: e.Architecture, Cataloger: Name,
		Source: &inventory.SourcePackage{Name: e.SourceName, Version: e.SourceVersion},
	}
	p.PURL = PURL(p, nil)
	return p
}

// installed tells whether a Status: value ("want flag status") describes
// an installed package. Distroless status.d files have no Status: field.
func installed(status string) bool {
	if status == "" {
		return true
	}
	f := strings.Fields(status)
	if len(f) != 3 {
		return false
	}
	switch f[2] {
	case "installed", "half-configured", "triggers-awaited", "triggers-pending":
		return true
	}
	return false
}

// ParseStatus parses dpkg status paragraphs and returns the installed
// packages in file order, and notes on paragraphs it had to skip.
func ParseStatus(ctx context.Context, data []byte) ([]Entry, []string, error) {
	var (
		entries []Entry
		notes   []string
		cur     Entry
		any     bool
		line    = 1
		start   = 1
	)
	count := safeio.Counter{What: "dpkg packages", Max: safeio.MaxEntries}
	flush := func() error {
		if !any {
			return nil
		}
		defer func() { cur, any = Entry{}, false }()
		if cur.Package == "" || cur.Version == "" {
			notes = append(notes, fmt.Sprintf("line %d: paragraph without Package or Version skipped", start))
			return nil
		}
		if !installed(cur.Status) {
			return nil
		}
		if cur.SourceName == "" {
			cur.SourceName = cur.Package
		}
		if cur.SourceVersion == "" {
			cur.SourceVersion = cur.Version
		}
		if err := count.Inc(); err != nil {
			return err
		}
		entries = append(entries, cur)
		return nil
	}
	for l := range bytes.Lines(data) {
		l = bytes.TrimRight(l, "\r\n")
		line++
		if len(bytes.TrimSpace(l)) == 0 {
			if err := flush(); err != nil {
				return nil, nil, err
			}
			if line%1024 == 0 && ctx.Err() != nil {
				return nil, nil, ctx.Err()
			}
			continue
		}
		if !any {
			start = line - 1
		}
		any = true
		if l[0] == ' ' || l[0] == '\t' {
			continue // continuation of a multi-line field (Description, Conffiles)
		}
		k, v, ok := bytes.Cut(l, []byte(":"))
		if !ok {
			continue
		}
		val := func() string { return string(bytes.TrimSpace(v)) }
		switch string(k) {
		case "Package":
			cur.Package = val()
		case "Version":
			cur.Version = val()
		case "Architecture":
			cur.Architecture = val()
		case "Status":
			cur.Status = val()
		case "Source":
			cur.SourceName, cur.SourceVersion = parseSource(val())
		}
	}
	if err := flush(); err != nil {
		return nil, nil, err
	}
	return entries, notes, nil
}

// parseSource splits "name" or "name (version)".
func parseSource(s string) (name, version string) {
	name, rest, ok := strings.Cut(s, " ")
	if !ok {
		return s, ""
	}
	rest = strings.TrimSpace(rest)
	if strings.HasPrefix(rest, "(") && strings.HasSuffix(rest, ")") {
		version = strings.TrimSpace(rest[1 : len(rest)-1])
	}
	return name, version
}

// Finish implements analysis.Finisher: it merges file lists into their
// packages, removes the placeholders and sets ecosystem and purl from the
// distro (Ubuntu or Debian; the distro=ID-VERSION_ID qualifier).
func (c *Cataloger) Finish(inv *inventory.Inventory) {
	lists := map[string][]string{}
	kept := inv.Packages[:0]
	for _, p := range inv.Packages {
		if p.Cataloger == Name && p.Type == FilesType {
			lists[p.Name+":"+p.Arch] = p.Files
			continue
		}
		kept = append(kept, p)
	}
	inv.Packages = kept
	for i := range inv.Packages {
		p := &inv.Packages[i]
		if p.Cataloger != Name || p.Type != "deb" {
			continue
		}
		if files, ok := lists[p.Name+":"+p.Arch]; ok {
			p.Files = files
		} else if files, ok := lists[p.Name+":"]; ok {
			p.Files = files
		}
		if inv.Distro != nil && inv.Distro.ID == "ubuntu" {
			p.Ecosystem = inventory.Ubuntu
		}
		p.PURL = PURL(*p, inv.Distro)
	}
}

// PURL returns the package URL of a deb package: pkg:deb/<distro id>/name@
// version?arch=..&distro=<id>-<version_id>, with upstream=<source> when the
// source package differs from the binary (as syft and the purl examples do).
func PURL(p inventory.Package, d *inventory.Distro) string {
	ns := "debian"
	var q packageurl.Qualifiers
	if p.Arch != "" {
		q = append(q, packageurl.Qualifier{Key: "arch", Value: p.Arch})
	}
	if d != nil && d.ID != "" {
		ns = d.ID
		rel := d.VersionID
		if rel == "" {
			rel = d.Codename
		}
		if rel != "" {
			q = append(q, packageurl.Qualifier{Key: "distro", Value: d.ID + "-" + rel})
		}
	}
	if s := p.Source; s != nil && s.Name != "" && (s.Name != p.Name || s.Version != p.Version) {
		up := s.Name
		if s.Version != "" && s.Version != p.Version {
			up += "@" + s.Version
		}
		q = append(q, packageurl.Qualifier{Key: "upstream", Value: up})
	}
	return packageurl.NewPackageURL(packageurl.TypeDebian, ns, p.Name, p.Version, q, "").ToString()
}
