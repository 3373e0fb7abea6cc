// Package ruby catalogs Ruby gems from Bundler lockfiles (Gemfile.lock,
// gems.locked: the specs of the GEM sections, https://bundler.io/guides/
// using_bundler_in_applications.html) and from installed gem specifications
// (specifications/*.gemspec as RubyGems writes them, e.g. under
// usr/lib/ruby/gems/*/specifications or Debian's rubygems-integration).
// PATH and GIT sections are not rubygems.org releases and are left out.
package ruby

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
const Name = "ruby"

// MaxFile bounds a lockfile or gemspec.
const MaxFile = safeio.MaxConfigFile

// Cataloger reads Gemfile.lock and installed gemspecs.
type Cataloger struct{}

var _ analysis.Analyzer = (*Cataloger)(nil)

// New returns the Ruby cataloger.
func New() *Cataloger { return &Cataloger{} }

// Name implements analysis.Analyzer.
func (*Cataloger) Name() string { return Name }

// Version implements analysis.Analyzer.
func (*Cataloger) Version() int { return 1 }

func isLock(p string) bool {
	b := path.Base(p)
	return b == "Gemfile.lock" || b == "gems.locked"
}

func isSpec(p string) bool {
	return strings.HasSuffix(p, ".gemspec") && path.Base(path.Dir(p)) == "specifications"
}

// Wants implements analysis.Analyzer.
func (*Cataloger) Wants(p string, mode fs.FileMode, size int64) bool {
	return mode&fs.ModeType == 0 && size <= MaxFile && (isLock(p) || isSpec(p))
}

type gem struct{ name, version, license string }

// Analyze implements analysis.Analyzer.
func (c *Cataloger) Analyze(ctx context.Context, in *analysis.Input) (*analysis.Result, error) {
	res := &analysis.Result{}
	data, err := safeio.ReadAll(in.Reader(), MaxFile, "ruby file size")
	if err != nil {
		res.Notes = append(res.Notes, fmt.Sprintf("read %s: %v", in.Path, err))
		return res, nil
	}
	var gems []gem
	typ := "gem"
	if isLock(in.Path) {
		gems, err = parseLock(ctx, data)
		typ = "gem-lock"
	} else {
		var g *gem
		if g, err = parseSpec(data); g != nil {
			gems = []gem{*g}
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		res.Notes = append(res.Notes, fmt.Sprintf("parse %s: %v", in.Path, err))
	}
	var pkgs []inventory.Package
	for _, g := range gems {
		p := inventory.Package{
			Name: g.name, Version: g.version, Ecosystem: inventory.RubyGems, Type: typ,
			PURL:      packageurl.NewPackageURL(packageurl.TypeGem, "", g.name, g.version, nil, "").ToString(),
			Locations: []inventory.Location{in.Location()}, Cataloger: Name,
		}
		if g.license != "" {
			p.Licenses = []string{g.license}
		}
		pkgs = append(pkgs, p)
	}
	res.Packages = pkgset.Tidy(pkgs, nil)
	return res, nil
}

// spec matches a locked gem: four spaces, name, " (version[-platform])".
var spec = regexp.MustCompile(`^    ([A-Za-z0-9_.\-]+) \(([0-9][^)\s]*)\)$`)

// parseLock reads the specs of every GEM section.
func parseLock(ctx context.Context, data []byte) ([]gem, error) {
	var (
		out     []gem
		section string
		n       int
	)
	for line := range bytes.Lines(data) {
		if n++; n%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		s := strings.TrimRight(string(line), "\r\n")
		if s != "" && s[0] != ' ' {
			section = s
			continue
		}
		if section != "GEM" {
			continue
		}
		m := spec.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		out = append(out, gem{name: m[1], version: stripPlatform(m[2])})
	}
	return out, nil
}

// stripPlatform turns "1.13.10-x86_64-linux" into "1.13.10"; RubyGems
// versions never contain "-" (prereleases use ".pre").
func stripPlatform(v string) string {
	before, _, _ := strings.Cut(v, "-")
	return before
}

var (
	specName    = regexp.MustCompile(`(?m)^\s*\w+\.name\s*=\s*["']([^"']+)["']`)
	specVersion = regexp.MustCompile(`(?m)^\s*\w+\.version\s*=\s*(?:Gem::Version\.new\()?["']([^"']+)["']`)
	specLicense = regexp.MustCompile(`(?m)^\s*\w+\.licenses?\s*=\s*(\[[^\]]*\]|["'][^"']*["'])`)
	quoted      = regexp.MustCompile(`["']([^"']+)["']`)
)

// parseSpec reads the name, version and licences of a gemspec as
// `gem install` writes it (Ruby source; read, never evaluated).
func parseSpec(data []byte) (*gem, error) {
	name := specName.FindSubmatch(data)
	version := specVersion.FindSubmatch(data)
	if name == nil || version == nil {
		return nil, fmt.Errorf("gemspec without a literal name or version")
	}
	g := &gem{name: string(name[1]), version: string(version[1])}
	if m := specLicense.FindSubmatch(data); m != nil {
		var lics []string
		for _, q := range quoted.FindAllSubmatch(m[1], -1) {
			lics = append(lics, string(q[1]))
		}
		if len(lics) > 1 {
			g.license = "(" + strings.Join(lics, " OR ") + ")"
		} else {
			g.license = strings.Join(lics, "")
		}
	}
	return g, nil
}
