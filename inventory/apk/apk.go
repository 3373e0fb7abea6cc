// Package apk catalogs Alpine packages from the apk database,
// lib/apk/db/installed: one paragraph of "K:value" lines per package
// (https://wiki.alpinelinux.org/wiki/Apk_spec#Installed_Database_V2).
// It reports name (P), version (V), architecture (A), origin as the source
// package (o), licence (L), commit (c) and the owned files (F directories,
// R files). The Finisher adds the distro qualifier to purls.
package apk

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"path"

	"github.com/package-url/packageurl-go"
	"github.com/sluice-dev/sluice/analysis"
	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/inventory"
)

// Name is the cataloger's name.
const Name = "apk"

const dbPath = "lib/apk/db/installed"

// Cataloger reads lib/apk/db/installed.
type Cataloger struct{}

var (
	_ analysis.Analyzer = (*Cataloger)(nil)
	_ analysis.Finisher = (*Cataloger)(nil)
)

// New returns the apk cataloger.
func New() *Cataloger { return &Cataloger{} }

// Name implements analysis.Analyzer.
func (*Cataloger) Name() string { return Name }

// Version implements analysis.Analyzer.
func (*Cataloger) Version() int { return 1 }

// Wants implements analysis.Analyzer.
func (*Cataloger) Wants(p string, mode fs.FileMode, size int64) bool {
	return p == dbPath && mode&fs.ModeType == 0 && size <= safeio.MaxPackageDB
}

// Entry is one package of the installed database.
type Entry struct {
	Name, Version, Arch, Origin, License, Commit string
	Files                                        []string
}

// Analyze implements analysis.Analyzer.
func (c *Cataloger) Analyze(ctx context.Context, in *analysis.Input) (*analysis.Result, error) {
	data, err := safeio.ReadAll(in.Reader(), safeio.MaxPackageDB, "apk database size")
	if err != nil {
		return &analysis.Result{Notes: []string{fmt.Sprintf("read %s: %v", in.Path, err)}}, nil
	}
	entries, notes, err := Parse(ctx, data)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", in.Path, err)
	}
	res := &analysis.Result{}
	for _, n := range notes {
		res.Notes = append(res.Notes, in.Path+": "+n)
	}
	for _, e := range entries {
		p := inventory.Package{
			Name: e.Name, Version: e.Version, Ecosystem: inventory.Alpine, Type: "apk", Arch: e.Arch,
			Source:    &inventory.SourcePackage{Name: e.Origin, Version: e.Version},
			Locations: []inventory.Location{in.Location()}, Cataloger: Name, Files: e.Files,
		}
		if e.Origin == "" {
			p.Source.Name = e.Name
		}
		if e.License != "" {
			p.Licenses = []string{e.License}
		}
		p.PURL = PURL(p, nil)
		res.Packages = append(res.Packages, p)
	}
	return res, nil
}

// Parse reads the installed database and returns its packages in order.
func Parse(ctx context.Context, data []byte) ([]Entry, []string, error) {
	var (
		entries []Entry
		notes   []string
		cur     Entry
		dir     string
		started bool
		lineNo  int
		start   int
	)
	count := safeio.Counter{What: "apk packages", Max: safeio.MaxEntries}
	files := safeio.Counter{What: "apk files", Max: safeio.MaxEntries}
	flush := func() error {
		if !started {
			return nil
		}
		defer func() { cur, dir, started = Entry{}, "", false }()
		if cur.Name == "" || cur.Version == "" {
			notes = append(notes, fmt.Sprintf("line %d: package without P: or V: skipped", start))
			return nil
		}
		if err := count.Inc(); err != nil {
			return err
		}
		entries = append(entries, cur)
		return nil
	}
	for l := range bytes.Lines(data) {
		lineNo++
		l = bytes.TrimRight(l, "\r\n")
		if len(l) == 0 {
			if err := flush(); err != nil {
				return nil, nil, err
			}
			if ctx.Err() != nil {
				return nil, nil, ctx.Err()
			}
			continue
		}
		if len(l) < 2 || l[1] != ':' {
			continue
		}
		if !started {
			start = lineNo
		}
		started = true
		v := string(l[2:])
		switch l[0] {
		case 'P':
			cur.Name = v
		case 'V':
			cur.Version = v
		case 'A':
			cur.Arch = v
		case 'o':
			cur.Origin = v
		case 'L':
			cur.License = v
		case 'c':
			cur.Commit = v
		case 'F':
			dir = v
		case 'R':
			if err := files.Inc(); err != nil {
				return nil, nil, err
			}
			if p, err := safeio.CleanPath(path.Join(dir, v)); err == nil && p != "" {
				cur.Files = append(cur.Files, p)
			}
		}
	}
	if err := flush(); err != nil {
		return nil, nil, err
	}
	return entries, notes, nil
}

// Finish implements analysis.Finisher: it sets the distro qualifier of the
// apk purls once the release is known.
func (c *Cataloger) Finish(inv *inventory.Inventory) {
	for i := range inv.Packages {
		if p := &inv.Packages[i]; p.Cataloger == Name {
			p.PURL = PURL(*p, inv.Distro)
		}
	}
}

// PURL returns pkg:apk/<distro id, default alpine>/name@version with the
// arch, upstream (origin, when it differs) and distro=<id>-<version_id>
// qualifiers.
func PURL(p inventory.Package, d *inventory.Distro) string {
	ns := "alpine"
	var q packageurl.Qualifiers
	if p.Arch != "" {
		q = append(q, packageurl.Qualifier{Key: "arch", Value: p.Arch})
	}
	if d != nil && d.ID != "" {
		ns = d.ID
		if d.VersionID != "" {
			q = append(q, packageurl.Qualifier{Key: "distro", Value: d.ID + "-" + d.VersionID})
		}
	}
	if p.Source != nil && p.Source.Name != "" && p.Source.Name != p.Name {
		q = append(q, packageurl.Qualifier{Key: "upstream", Value: p.Source.Name})
	}
	return packageurl.NewPackageURL(packageurl.TypeApk, ns, p.Name, p.Version, q, "").ToString()
}
