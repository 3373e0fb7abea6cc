package analysis

import (
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/source"
)

const elfMagic = "\x7fELF"

// binaryCandidate is true for files that may be executables or shared
// libraries, from mode and name alone; the ELF magic decides.
func binaryCandidate(p string, mode fs.FileMode) bool {
	return mode.IsRegular() && (mode&0o111 != 0 || isSharedLibName(p))
}

// isSharedLibName matches "libx.so", "libx.so.6", "libx.so.6.0.1".
func isSharedLibName(p string) bool {
	base := path.Base(p)
	i := strings.Index(base, ".so")
	if i <= 0 {
		return false
	}
	rest := base[i+3:]
	return rest == "" || (rest[0] == '.' && strings.Trim(rest, "0123456789.") == "")
}

// peekELF reads the first bytes of a file nobody else wants.
func peekELF(f source.File) (bool, error) {
	if f.Size < 4 {
		return false, nil
	}
	rc, err := f.Open()
	if err != nil {
		return false, err
	}
	defer rc.Close()
	var magic [4]byte
	if _, err := io.ReadFull(rc, magic[:]); err != nil {
		return false, err
	}
	return string(magic[:]) == elfMagic, nil
}

// unowned lists the surviving ELF executables and libraries that no
// surviving package owns (by Package.Files, a declaring Location, or the
// Result.Owned lists of surviving files, given as extra), after
// resolving symlinks of the final filesystem inside the root: a package
// owning /lib/x86_64-linux-gnu/libc.so.6 owns usr/lib/... when lib -> usr/lib.
func unowned(inv *inventory.Inventory, records []*layerRecord, extra []string, hidden func(string, int, bool) bool, layerID func(int) string, max int) {
	links := map[string]string{}
	for i, rec := range records {
		for p, t := range rec.Links {
			if !hidden(p, i, false) {
				links[p] = t
			}
		}
	}
	readLink := func(p string) (string, bool) { t, ok := links[p]; return t, ok }
	resolve := func(p string) string {
		r, err := safeio.Resolve(p, readLink)
		if err != nil {
			return p
		}
		return r
	}
	owned := map[string]bool{}
	for _, f := range extra {
		owned[resolve(cleanOwned(f))] = true
	}
	for _, pkg := range inv.Packages {
		for _, f := range pkg.Files {
			owned[resolve(cleanOwned(f))] = true
		}
		for _, l := range pkg.Locations {
			owned[resolve(cleanOwned(l.Path))] = true
		}
	}
	inv.Unowned, inv.UnownedCount = nil, 0
	for i, rec := range records {
		for _, b := range rec.Binaries {
			if hidden(b.Path, i, b.Deleted) || owned[resolve(b.Path)] {
				continue
			}
			inv.UnownedCount++
			if len(inv.Unowned) >= max {
				continue
			}
			kind := "executable"
			if b.Library {
				kind = "shared-library"
			}
			inv.Unowned = append(inv.Unowned, inventory.Unowned{Path: b.Path, Layer: layerID(i), LayerIndex: i, Size: b.Size, Kind: kind})
		}
	}
}
