// Package gobinary catalogs the modules compiled into Go executables from
// the build information the Go linker embeds (debug/buildinfo), which
// survives stripping (-ldflags="-s -w"): the main module, every dependency
// (the replacement when a replace directive applied) and the Go standard
// library as the package "stdlib" at the toolchain's version.
package gobinary

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"runtime/debug"
	"strings"

	"github.com/package-url/packageurl-go"
	"github.com/sluice-dev/sluice/analysis"
	"github.com/sluice-dev/sluice/inventory"
)

// Name is the cataloger's name.
const Name = "go-binary"

// MaxSize bounds the executables it reads (the driver holds the content).
const MaxSize = 512 << 20

// MinSize skips files too small to be a Go executable (the smallest Go
// hello-world is over 1 MiB; stripped, over 500 KiB).
const MinSize = 64 << 10

// Cataloger reads Go build information.
type Cataloger struct{}

var _ analysis.Analyzer = (*Cataloger)(nil)

// New returns the Go binary cataloger.
func New() *Cataloger { return &Cataloger{} }

// Name implements analysis.Analyzer.
func (*Cataloger) Name() string { return Name }

// Version implements analysis.Analyzer.
func (*Cataloger) Version() int { return 1 }

var binDirs = []string{"bin/", "sbin/", "usr/bin/", "usr/sbin/", "usr/local/bin/", "usr/local/sbin/"}

// Wants implements analysis.Analyzer: regular files with an exec bit, or in a
// bin directory, or named *.exe, within the size bounds.
func (*Cataloger) Wants(p string, mode fs.FileMode, size int64) bool {
	if !mode.IsRegular() || size < MinSize || size > MaxSize {
		return false
	}
	if mode&0o111 != 0 || strings.HasSuffix(p, ".exe") {
		return true
	}
	dir := path.Dir(p) + "/"
	for _, d := range binDirs {
		if dir == d {
			return true
		}
	}
	return false
}

var magics = [][]byte{
	[]byte("\x7fELF"),
	{0xfe, 0xed, 0xfa, 0xce}, {0xfe, 0xed, 0xfa, 0xcf}, // Mach-O big-endian 32/64
	{0xce, 0xfa, 0xed, 0xfe}, {0xcf, 0xfa, 0xed, 0xfe}, // Mach-O little-endian 32/64
	{0xca, 0xfe, 0xba, 0xbe}, // Mach-O universal
	[]byte("MZ"),             // PE
}

func executable(head []byte) bool {
	for _, m := range magics {
		if bytes.HasPrefix(head, m) {
			return true
		}
	}
	return false
}

// Analyze implements analysis.Analyzer. Executables that are not Go yield
// nothing and no note.
func (c *Cataloger) Analyze(ctx context.Context, in *analysis.Input) (res *analysis.Result, err error) {
	res = &analysis.Result{}
	if in.Size > MaxSize {
		res.Notes = append(res.Notes, fmt.Sprintf("%s: %d bytes exceeds the limit of %d", in.Path, in.Size, MaxSize))
		return res, nil
	}
	head := make([]byte, 4)
	if n, _ := in.Content.ReadAt(head, 0); n < 4 || !executable(head) {
		return res, nil
	}
	bi, err := read(in)
	if err != nil || bi == nil {
		return res, nil // not a Go binary, or one without build info (pre-1.13)
	}
	res.Packages = Packages(bi, in.Location())
	return res, nil
}

func read(in *analysis.Input) (bi *debug.BuildInfo, err error) {
	defer func() {
		if r := recover(); r != nil {
			bi, err = nil, fmt.Errorf("malformed executable: %v", r)
		}
	}()
	return buildinfo.Read(in.Reader())
}

// Packages turns build information into packages: the main module (when it
// has a version), the dependencies and stdlib.
func Packages(bi *debug.BuildInfo, loc inventory.Location) []inventory.Package {
	var pkgs []inventory.Package
	add := func(mod, version, typ string) {
		p := inventory.Package{
			Name: mod, Version: version, Ecosystem: inventory.Go, Type: typ,
			PURL:      PURL(mod, version),
			Locations: []inventory.Location{loc}, Cataloger: Name,
		}
		pkgs = append(pkgs, p)
	}
	if bi.Main.Path != "" {
		v := bi.Main.Version
		if v == "(devel)" {
			v = ""
		}
		add(bi.Main.Path, v, "go-module")
	}
	for _, d := range bi.Deps {
		if d == nil {
			continue
		}
		if d.Replace != nil {
			d = d.Replace
		}
		if d.Path == "" || strings.HasPrefix(d.Path, ".") || strings.HasPrefix(d.Path, "/") {
			continue // replaced by a local directory: no module version to report
		}
		add(d.Path, d.Version, "go-module")
	}
	if v := StdlibVersion(bi.GoVersion); v != "" {
		add("stdlib", v, "go-stdlib")
	}
	// The executable belongs to its main module (to stdlib for binaries of
	// the Go distribution itself), so it is not reported as unowned.
	if len(pkgs) > 0 {
		pkgs[0].Files = []string{loc.Path}
	}
	return pkgs
}

var goVersion = regexp.MustCompile(`^go(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?`)

// StdlibVersion turns a toolchain version ("go1.21.3", "go1.20",
// "go1.22rc1", "go1.21.0 X:boringcrypto") into the semver-like form OSV's
// Go stdlib ranges use: "1.21.3", "1.20.0", "1.22.0-rc.1". Development
// toolchains ("devel ...") give "".
func StdlibVersion(v string) string {
	m := goVersion.FindStringSubmatch(v)
	if m == nil {
		return ""
	}
	patch := m[3]
	if patch == "" {
		patch = "0"
	}
	s := m[1] + "." + m[2] + "." + patch
	if m[4] != "" {
		s += "-" + m[4] + "." + m[5]
	}
	return s
}

// PURL returns pkg:golang/<module path>@<version>.
func PURL(mod, version string) string {
	ns, name := "", mod
	if i := strings.LastIndexByte(mod, '/'); i >= 0 {
		ns, name = mod[:i], mod[i+1:]
	}
	return packageurl.NewPackageURL(packageurl.TypeGolang, ns, name, version, nil, "").ToString()
}
