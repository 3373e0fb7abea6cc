// Package rpm catalogs RPM packages from the rpm database in each of its
// three formats — Berkeley DB (Packages), NDB (Packages.db, SUSE) and SQLite
// (rpmdb.sqlite, RHEL 9, Fedora, CBL-Mariner) — under var/lib/rpm/ or
// usr/lib/sysimage/rpm/, through github.com/knqyf263/go-rpmdb.
//
// Versions are written [epoch:]version-release, the form RPM-based OSV
// advisories (AlmaLinux, Rocky, Red Hat) use; the source rpm gives the source
// package; the header's file list gives the owned files. go-rpmdb reads a
// path, so the bounded content is copied to a private temporary directory
// that is removed before Analyze returns.
package rpm

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	rpmdb "github.com/knqyf263/go-rpmdb/pkg"
	"github.com/package-url/packageurl-go"
	"github.com/sluice-dev/sluice/analysis"
	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/inventory"

	// The database/sql driver go-rpmdb opens SQLite rpmdbs with (name
	// "sqlite"); pure Go, the same engine the advisory store uses.
	_ "modernc.org/sqlite"
)

// Name is the cataloger's name.
const Name = "rpm"

// Cataloger reads rpm databases.
type Cataloger struct {
	// TempDir is where the database is copied for go-rpmdb; "" is os.TempDir().
	TempDir string
}

var (
	_ analysis.Analyzer = (*Cataloger)(nil)
	_ analysis.Finisher = (*Cataloger)(nil)
)

// New returns the rpm cataloger.
func New() *Cataloger { return &Cataloger{} }

// Name implements analysis.Analyzer.
func (*Cataloger) Name() string { return Name }

// Version implements analysis.Analyzer.
func (*Cataloger) Version() int { return 1 }

var dbFiles = map[string]bool{
	"var/lib/rpm/Packages":              true,
	"var/lib/rpm/Packages.db":           true,
	"var/lib/rpm/rpmdb.sqlite":          true,
	"usr/lib/sysimage/rpm/Packages":     true,
	"usr/lib/sysimage/rpm/Packages.db":  true,
	"usr/lib/sysimage/rpm/rpmdb.sqlite": true,
	"usr/share/rpm/Packages":            true, // SUSE before usrmerge of the db
	"usr/share/rpm/Packages.db":         true,
}

// Wants implements analysis.Analyzer.
func (*Cataloger) Wants(p string, mode fs.FileMode, size int64) bool {
	return dbFiles[p] && mode&fs.ModeType == 0 && size <= safeio.MaxPackageDB
}

// Analyze implements analysis.Analyzer.
func (c *Cataloger) Analyze(ctx context.Context, in *analysis.Input) (res *analysis.Result, err error) {
	res = &analysis.Result{}
	note := func(format string, args ...any) (*analysis.Result, error) {
		res.Notes = append(res.Notes, in.Path+": "+fmt.Sprintf(format, args...))
		return res, nil
	}
	dir, err := os.MkdirTemp(c.TempDir, "sluice-rpmdb-")
	if err != nil {
		return nil, fmt.Errorf("rpm: temporary copy of %s: %w", in.Path, err)
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, path.Base(in.Path))
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("rpm: temporary copy of %s: %w", in.Path, err)
	}
	_, err = io.Copy(f, safeio.LimitReader(in.Reader(), safeio.MaxPackageDB, "rpm database size"))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return note("copy: %v", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	pkgs, err := list(tmp)
	if err != nil {
		return note("read rpm database: %v", err)
	}
	count := safeio.Counter{What: "rpm packages", Max: safeio.MaxEntries}
	for _, pi := range pkgs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if pi.Name == "gpg-pubkey" {
			continue // imported signing keys are stored as pseudo-packages
		}
		if err := count.Inc(); err != nil {
			return note("%v", err)
		}
		p, perr := convert(pi)
		if perr != nil {
			res.Notes = append(res.Notes, fmt.Sprintf("%s: package %s: %v", in.Path, pi.Name, perr))
		}
		p.Locations = []inventory.Location{in.Location()}
		res.Packages = append(res.Packages, p)
	}
	return res, nil
}

// list opens the database and lists its packages; go-rpmdb is not written
// for hostile input, so a panic in it becomes an error for this file.
func list(file string) (pkgs []*rpmdb.PackageInfo, err error) {
	defer func() {
		if r := recover(); r != nil {
			pkgs, err = nil, fmt.Errorf("malformed database: %v", r)
		}
	}()
	db, err := rpmdb.Open(file)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return db.ListPackages()
}

func convert(pi *rpmdb.PackageInfo) (p inventory.Package, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed file list: %v", r)
		}
	}()
	epoch := pi.EpochNum()
	p = inventory.Package{
		Name: pi.Name, Version: FormatVersion(epoch, pi.Version, pi.Release),
		Ecosystem: vendorEcosystem(pi.Vendor), Type: "rpm", Arch: pi.Arch, Cataloger: Name,
	}
	if pi.License != "" {
		p.Licenses = []string{pi.License}
	}
	if name, ver, ok := ParseSourceRPM(pi.SourceRpm); ok {
		p.Source = &inventory.SourcePackage{Name: name, Version: ver}
		if epoch > 0 {
			p.Source.Version = strconv.Itoa(epoch) + ":" + ver
		}
	}
	files, ferr := pi.InstalledFileNames()
	if ferr != nil {
		err = ferr
	}
	for _, f := range files {
		if clean, cerr := safeio.CleanPath(f); cerr == nil && clean != "" {
			p.Files = append(p.Files, clean)
		}
	}
	p.PURL = PURL(p, epoch, nil)
	return p, err
}

// FormatVersion writes an rpm EVR as [epoch:]version-release; epoch 0 is
// left out, as rpm -q and the advisories do.
func FormatVersion(epoch int, version, release string) string {
	v := version
	if release != "" {
		v += "-" + release
	}
	if epoch > 0 {
		v = strconv.Itoa(epoch) + ":" + v
	}
	return v
}

// ParseSourceRPM splits "glibc-2.31-9.3.2.src.rpm" into "glibc" and
// "2.31-9.3.2".
func ParseSourceRPM(s string) (name, version string, ok bool) {
	s = strings.TrimSuffix(s, ".rpm")
	s = strings.TrimSuffix(s, ".src")
	s = strings.TrimSuffix(s, ".nosrc")
	i := strings.LastIndexByte(s, '-')
	if i <= 0 {
		return "", "", false
	}
	j := strings.LastIndexByte(s[:i], '-')
	if j <= 0 {
		return "", "", false
	}
	return s[:j], s[j+1:], true
}

// vendorEcosystem guesses the ecosystem from the package vendor until the
// distro is known (Finish sets it from os-release).
func vendorEcosystem(vendor string) string {
	v := strings.ToLower(vendor)
	switch {
	case strings.Contains(v, "almalinux"):
		return inventory.AlmaLinux
	case strings.Contains(v, "rocky"):
		return inventory.Rocky
	case strings.Contains(v, "red hat"):
		return inventory.RedHat
	case strings.Contains(v, "suse"):
		return inventory.SUSE
	case strings.Contains(v, "microsoft"):
		return inventory.Mariner
	}
	return ""
}

// distroEcosystems maps os-release IDs to OSV ecosystems.
var distroEcosystems = map[string]string{
	"almalinux": inventory.AlmaLinux, "rocky": inventory.Rocky, "rhel": inventory.RedHat,
	"centos": inventory.RedHat, "sles": inventory.SUSE, "sled": inventory.SUSE, "sle-micro": inventory.SUSE,
	"opensuse-leap": inventory.SUSE, "opensuse-tumbleweed": inventory.SUSE, "opensuse": inventory.SUSE,
	"mariner": inventory.Mariner, "azurelinux": inventory.Mariner,
}

// Finish implements analysis.Finisher: ecosystem and purl from the distro.
func (c *Cataloger) Finish(inv *inventory.Inventory) {
	for i := range inv.Packages {
		p := &inv.Packages[i]
		if p.Cataloger != Name {
			continue
		}
		if inv.Distro != nil {
			if eco, ok := distroEcosystems[inv.Distro.ID]; ok {
				p.Ecosystem = eco
			}
		}
		epoch := 0
		if e, _, ok := strings.Cut(p.Version, ":"); ok {
			epoch, _ = strconv.Atoi(e)
		}
		p.PURL = PURL(*p, epoch, inv.Distro)
	}
}

// PURL returns pkg:rpm/<distro id>/name@version-release with the arch,
// epoch, distro=<id>-<version_id> and upstream (source rpm) qualifiers, as
// the purl spec's rpm examples show. Without a distro the namespace is the
// vendor's guess.
func PURL(p inventory.Package, epoch int, d *inventory.Distro) string {
	ns := ""
	switch p.Ecosystem {
	case inventory.AlmaLinux:
		ns = "almalinux"
	case inventory.Rocky:
		ns = "rocky"
	case inventory.RedHat:
		ns = "redhat"
	case inventory.SUSE:
		ns = "opensuse"
	case inventory.Mariner:
		ns = "mariner"
	}
	var q packageurl.Qualifiers
	if p.Arch != "" {
		q = append(q, packageurl.Qualifier{Key: "arch", Value: p.Arch})
	}
	if d != nil && d.ID != "" {
		ns = d.ID
		if ns == "rhel" {
			ns = "redhat" // the namespace Red Hat's own purls use
		}
		if d.VersionID != "" {
			q = append(q, packageurl.Qualifier{Key: "distro", Value: d.ID + "-" + d.VersionID})
		}
	}
	if epoch > 0 {
		q = append(q, packageurl.Qualifier{Key: "epoch", Value: strconv.Itoa(epoch)})
	}
	if p.Source != nil && p.Source.Name != "" {
		ver := p.Source.Version
		if _, v, ok := strings.Cut(ver, ":"); ok {
			ver = v
		}
		q = append(q, packageurl.Qualifier{Key: "upstream", Value: p.Source.Name + "-" + ver + ".src.rpm"})
	}
	version := p.Version
	if _, v, ok := strings.Cut(version, ":"); ok {
		version = v // the epoch goes in its qualifier
	}
	return packageurl.NewPackageURL(packageurl.TypeRPM, ns, p.Name, version, q, "").ToString()
}
