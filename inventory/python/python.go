// Package python catalogs Python distributions: installed ones from their
// core metadata (*.dist-info/METADATA, *.egg-info/PKG-INFO or a flat
// *.egg-info file; https://packaging.python.org/specifications/core-metadata/)
// with the files their RECORD lists, and locked ones from requirements files (exact "==" pins only),
// poetry.lock, Pipfile.lock and uv.lock.
package python

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"github.com/package-url/packageurl-go"
	"github.com/sluice-dev/sluice/analysis"
	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/inventory/internal/pkgset"
)

// Name is the cataloger's name.
const Name = "python"

// MaxFile bounds every file it reads.
const MaxFile = safeio.MaxConfigFile

// Cataloger reads Python metadata and lockfiles.
type Cataloger struct{}

var (
	_ analysis.Analyzer = (*Cataloger)(nil)
	_ analysis.Finisher = (*Cataloger)(nil)
)

// New returns the Python cataloger.
func New() *Cataloger { return &Cataloger{} }

// Name implements analysis.Analyzer.
func (*Cataloger) Name() string { return Name }

// Version implements analysis.Analyzer.
func (*Cataloger) Version() int { return 1 }

type kind int

const (
	none kind = iota
	metadata
	record
	requirements
	poetryLock
	pipfileLock
	uvLock
)

var requirementsName = regexp.MustCompile(`^requirements[\w.-]*\.txt$`)

func classify(p string) kind {
	base := path.Base(p)
	dir := path.Base(path.Dir(p))
	switch {
	case base == "METADATA" && strings.HasSuffix(dir, ".dist-info"):
		return metadata
	case base == "RECORD" && strings.HasSuffix(dir, ".dist-info"):
		return record
	case base == "PKG-INFO" && strings.HasSuffix(dir, ".egg-info"):
		return metadata
	case strings.HasSuffix(base, ".egg-info"):
		return metadata // distutils' single-file form
	case base == "poetry.lock":
		return poetryLock
	case base == "Pipfile.lock":
		return pipfileLock
	case base == "uv.lock":
		return uvLock
	case strings.HasPrefix(base, "requirements") && strings.HasSuffix(base, ".txt") && requirementsName.MatchString(base):
		return requirements
	}
	return none
}

// Wants implements analysis.Analyzer.
func (*Cataloger) Wants(p string, mode fs.FileMode, size int64) bool {
	return mode&fs.ModeType == 0 && size <= MaxFile && classify(p) != none
}

type pkg struct{ name, version, license string }

// Analyze implements analysis.Analyzer.
func (c *Cataloger) Analyze(ctx context.Context, in *analysis.Input) (*analysis.Result, error) {
	res := &analysis.Result{}
	data, err := safeio.ReadAll(in.Reader(), MaxFile, "python file size")
	if err != nil {
		res.Notes = append(res.Notes, fmt.Sprintf("read %s: %v", in.Path, err))
		return res, nil
	}
	var pkgs []pkg
	k := classify(in.Path)
	if k == record {
		files, err := parseRecord(in, data)
		if err != nil {
			res.Notes = append(res.Notes, fmt.Sprintf("parse %s: %v", in.Path, err))
		}
		res.Packages = append(res.Packages, files)
		return res, nil
	}
	switch k {
	case metadata:
		var p *pkg
		if p, err = parseMetadata(data); p != nil {
			pkgs = append(pkgs, *p)
		}
	case requirements:
		pkgs, err = parseRequirements(ctx, data)
	case poetryLock, uvLock:
		pkgs, err = parseTOMLLock(data, k == uvLock)
	case pipfileLock:
		pkgs, err = parsePipfileLock(data)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		res.Notes = append(res.Notes, fmt.Sprintf("parse %s: %v", in.Path, err))
	}
	typ := "python"
	if k != metadata {
		typ = "python-lock"
	}
	var found []inventory.Package
	for _, p := range pkgs {
		ip := inventory.Package{
			Name: p.name, Version: p.version, Ecosystem: inventory.PyPI, Type: typ,
			PURL: PURL(p.name, p.version), Locations: []inventory.Location{in.Location()}, Cataloger: Name,
		}
		if p.license != "" {
			ip.Licenses = []string{p.license}
		}
		found = append(found, ip)
	}
	res.Packages = pkgset.Tidy(found, normalizedKey)
	return res, nil
}

// normalizedKey makes names that differ only in case and separators
// ("PyYAML", "pyyaml") one package.
func normalizedKey(p *inventory.Package) [2]string { return [2]string{Normalize(p.Name), p.Version} }

var nonAlnum = regexp.MustCompile(`[-_.]+`)

// Normalize is the PEP 503 name normalisation the purl spec requires for
// pypi names: lowercase, runs of "-", "_" and "." become one "-".
func Normalize(name string) string {
	return nonAlnum.ReplaceAllString(strings.ToLower(name), "-")
}

// PURL returns pkg:pypi/<normalised name>@version.
func PURL(name, version string) string {
	return packageurl.NewPackageURL(packageurl.TypePyPi, "", Normalize(name), version, nil, "").ToString()
}

// parseMetadata reads the RFC 822 style header block of core metadata:
// Name, Version and the licence (License-Expression, then License, then
// the "License ::" trove classifiers).
func parseMetadata(data []byte) (*pkg, error) {
	var (
		p          pkg
		expr, lic  string
		classifier []string
		last       string
	)
	for line := range bytes.Lines(data) {
		s := strings.TrimRight(string(line), "\r\n")
		if s == "" {
			break // the description body follows the headers
		}
		if s[0] == ' ' || s[0] == '\t' {
			if last == "License" {
				lic += "\n" + strings.TrimSpace(s)
			}
			continue
		}
		k, v, ok := strings.Cut(s, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		last = k
		switch k {
		case "Name":
			p.name = v
		case "Version":
			p.version = v
		case "License-Expression":
			expr = v
		case "License":
			lic = v
		case "Classifier":
			if rest, ok := strings.CutPrefix(v, "License :: "); ok {
				parts := strings.Split(rest, " :: ")
				classifier = append(classifier, parts[len(parts)-1])
			}
		}
	}
	if p.name == "" || p.version == "" {
		return nil, fmt.Errorf("metadata without Name or Version")
	}
	switch {
	case expr != "":
		p.license = expr
	case lic != "" && lic != "UNKNOWN" && !strings.Contains(lic, "\n") && len(lic) < 100:
		p.license = lic // a short name, not the whole licence text some projects paste here
	case len(classifier) > 0:
		p.license = strings.Join(classifier, " OR ")
	}
	return &p, nil
}
