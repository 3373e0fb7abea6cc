package catalogers

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sluice-dev/sluice/analysis"
	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/inventory/internal/catalogertest"
)

// TestDebianRoot runs every cataloger over a Debian 12 root made of the
// shared real status database and os-release, as the driver would: the
// os-release cataloger's distro reaches the dpkg packages only through
// Finish.
func TestDebianRoot(t *testing.T) {
	root := t.TempDir()
	copyFile := func(dst string, src ...string) {
		data, err := os.ReadFile(catalogertest.SharedFixture(t, src...))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(root, filepath.FromSlash(dst))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile("etc/os-release", "pkgdb", "dpkg", "debian-12-app", "os-release")
	copyFile("var/lib/dpkg/status", "pkgdb", "dpkg", "debian-12-app", "status")

	inv := &inventory.Inventory{}
	for _, a := range All() {
		res, _, read := catalogertest.Run(t, a, root)
		inv.Packages = append(inv.Packages, res.Packages...)
		if res.Distro != nil {
			inv.Distro = res.Distro
		}
		for _, p := range read {
			if want := map[string]string{"etc/os-release": "os-release", "var/lib/dpkg/status": "dpkg"}[p]; want != a.Name() {
				t.Errorf("%s read %s", a.Name(), p)
			}
		}
	}
	for _, a := range All() {
		if f, ok := a.(analysis.Finisher); ok {
			f.Finish(inv)
		}
	}
	if diff := cmp.Diff(&inventory.Distro{ID: "debian", VersionID: "12", Codename: "bookworm", Name: "Debian GNU/Linux 12 (bookworm)"}, inv.Distro); diff != "" {
		t.Errorf("distro (-want +got):\n%s", diff)
	}
	if len(inv.Packages) != 145 {
		t.Errorf("%d packages, want 145", len(inv.Packages))
	}
	for _, p := range inv.Packages {
		if p.Name == "libssl3" {
			if want := "pkg:deb/debian/libssl3@3.0.22-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl"; p.PURL != want {
				t.Errorf("libssl3 purl %s, want %s", p.PURL, want)
			}
			return
		}
	}
	t.Error("libssl3 not found")
}
