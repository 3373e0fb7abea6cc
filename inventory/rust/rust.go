// Package rust catalogs Rust crates from Cargo.lock
// (https://doc.rust-lang.org/cargo/guide/cargo-toml-vs-cargo-lock.html) and
// from executables built with cargo-auditable, which embeds the dependency
// tree as zlib-compressed JSON in a ".dep-v0" section
// (https://github.com/rust-secure-code/cargo-auditable, format "v0").
// Only crates from a registry are reported: workspace members, path and git
// dependencies have no crates.io release to match.
package rust

import (
	"bytes"
	"compress/zlib"
	"context"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/package-url/packageurl-go"
	"github.com/sluice-dev/sluice/analysis"
	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/inventory/internal/pkgset"
)

// Name is the cataloger's name.
const Name = "rust"

// Limits.
const (
	MaxLockfile   = safeio.MaxConfigFile
	MinBinary     = 64 << 10
	MaxBinary     = 512 << 20
	MaxDepSection = 1 << 20 // compressed .dep-v0 section
	MaxDepJSON    = 8 << 20 // its inflated JSON
)

// Cataloger reads Cargo.lock and cargo-auditable binaries.
type Cataloger struct{}

var _ analysis.Analyzer = (*Cataloger)(nil)

// New returns the Rust cataloger.
func New() *Cataloger { return &Cataloger{} }

// Name implements analysis.Analyzer.
func (*Cataloger) Name() string { return Name }

// Version implements analysis.Analyzer.
func (*Cataloger) Version() int { return 1 }

// Wants implements analysis.Analyzer: Cargo.lock, and executables as the
// Go binary cataloger picks them (exec bit, bin directory or .exe).
func (*Cataloger) Wants(p string, mode fs.FileMode, size int64) bool {
	if !mode.IsRegular() {
		return false
	}
	if path.Base(p) == "Cargo.lock" {
		return size <= MaxLockfile
	}
	if size < MinBinary || size > MaxBinary {
		return false
	}
	if mode&0o111 != 0 || strings.HasSuffix(p, ".exe") {
		return true
	}
	switch path.Dir(p) {
	case "bin", "sbin", "usr/bin", "usr/sbin", "usr/local/bin", "usr/local/sbin":
		return true
	}
	return false
}

type crate struct{ name, version string }

// Analyze implements analysis.Analyzer.
func (c *Cataloger) Analyze(ctx context.Context, in *analysis.Input) (*analysis.Result, error) {
	res := &analysis.Result{}
	var (
		crates []crate
		err    error
		typ    = "rust-crate"
	)
	if path.Base(in.Path) == "Cargo.lock" {
		var data []byte
		if data, err = safeio.ReadAll(in.Reader(), MaxLockfile, "Cargo.lock size"); err == nil {
			crates, err = parseLock(data)
		}
	} else {
		typ = "rust-binary"
		crates, err = parseAuditable(in)
	}
	if err != nil {
		res.Notes = append(res.Notes, fmt.Sprintf("%s: %v", in.Path, err))
	}
	var pkgs []inventory.Package
	for _, cr := range crates {
		pkgs = append(pkgs, inventory.Package{
			Name: cr.name, Version: cr.version, Ecosystem: inventory.CratesIO, Type: typ,
			PURL:      packageurl.NewPackageURL(packageurl.TypeCargo, "", cr.name, cr.version, nil, "").ToString(),
			Locations: []inventory.Location{in.Location()}, Cataloger: Name,
		})
	}
	res.Packages = pkgset.Tidy(pkgs, nil)
	return res, nil
}

type cargoLock struct {
	Package []struct {
		Name    string `toml:"name"`
		Version string `toml:"version"`
		Source  string `toml:"source"`
	} `toml:"package"`
}

// fromRegistry tells whether a Cargo.lock source is a registry (crates.io's
// git or sparse index, or an alternative registry).
func fromRegistry(source string) bool {
	return strings.HasPrefix(source, "registry+") || strings.HasPrefix(source, "sparse+")
}

func parseLock(data []byte) ([]crate, error) {
	var lock cargoLock
	if _, err := toml.Decode(string(data), &lock); err != nil {
		return nil, err
	}
	var out []crate
	for _, p := range lock.Package {
		if fromRegistry(p.Source) {
			out = append(out, crate{p.Name, p.Version})
		}
	}
	return out, nil
}

// auditInfo is the JSON cargo-auditable embeds.
type auditInfo struct {
	Packages []struct {
		Name    string `json:"name"`
		Version string `json:"version"`
		Source  string `json:"source"`
	} `json:"packages"`
}

// depSection returns the raw .dep-v0 section of an ELF, PE or Mach-O file,
// or nil when there is none (most executables).
func depSection(r io.ReaderAt) (data []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			data, err = nil, fmt.Errorf("malformed executable: %v", p)
		}
	}()
	var sr io.Reader
	var size uint64
	if f, e := elf.NewFile(r); e == nil {
		if s := f.Section(".dep-v0"); s != nil && s.Type != elf.SHT_NOBITS {
			sr, size = s.Open(), s.Size
		}
	} else if f, e := pe.NewFile(r); e == nil {
		if s := f.Section(".dep-v0"); s != nil {
			sr, size = io.NewSectionReader(s, 0, int64(s.Size)), uint64(s.Size)
		}
	} else if f, e := macho.NewFile(r); e == nil {
		if s := f.Section(".dep-v0"); s != nil {
			sr, size = io.NewSectionReader(s, 0, int64(s.Size)), s.Size
		}
	}
	if sr == nil {
		return nil, nil
	}
	if size > MaxDepSection {
		return nil, &safeio.LimitError{What: ".dep-v0 section size", Limit: MaxDepSection}
	}
	return safeio.ReadAll(sr, MaxDepSection, ".dep-v0 section size")
}

func parseAuditable(in *analysis.Input) ([]crate, error) {
	head := make([]byte, 4)
	if n, _ := in.Content.ReadAt(head, 0); n < 4 {
		return nil, nil
	}
	if !bytes.HasPrefix(head, []byte("\x7fELF")) && !bytes.HasPrefix(head, []byte("MZ")) &&
		!bytes.Equal(head, []byte{0xcf, 0xfa, 0xed, 0xfe}) && !bytes.Equal(head, []byte{0xfe, 0xed, 0xfa, 0xcf}) {
		return nil, nil
	}
	sec, err := depSection(in.Reader())
	if err != nil || sec == nil {
		return nil, err
	}
	zr, err := zlib.NewReader(bytes.NewReader(sec))
	if err != nil {
		return nil, fmt.Errorf(".dep-v0: %w", err)
	}
	defer zr.Close()
	js, err := safeio.ReadAll(zr, MaxDepJSON, ".dep-v0 JSON size")
	if err != nil {
		return nil, fmt.Errorf(".dep-v0: %w", err)
	}
	var info auditInfo
	if err := json.Unmarshal(js, &info); err != nil {
		return nil, fmt.Errorf(".dep-v0: %w", err)
	}
	var out []crate
	for _, p := range info.Packages {
		if p.Source == "crates.io" || p.Source == "registry" {
			out = append(out, crate{p.Name, p.Version})
		}
	}
	return out, nil
}
