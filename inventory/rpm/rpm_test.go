package rpm

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/inventory/internal/catalogertest"
)

type row struct {
	Name, Version, Arch, Ecosystem string
	Source                         inventory.SourcePackage
	License, PURL                  string
}

func TestFixtures(t *testing.T) {
	tests := []struct {
		name   string
		fixDir string
		file   string
		path   string // in-root path
		distro *inventory.Distro
		count  int
		checks []row
	}{
		{"sqlite-cbl-mariner-2.0", "cbl-mariner-2.0", "rpmdb.sqlite", "var/lib/rpm/rpmdb.sqlite",
			&inventory.Distro{ID: "mariner", VersionID: "2.0"}, 129, []row{
				{"openssl-libs", "1.1.1k-7.cm2", "x86_64", inventory.Mariner, inventory.SourcePackage{Name: "openssl", Version: "1.1.1k-7.cm2"}, "OpenSSL",
					"pkg:rpm/mariner/openssl-libs@1.1.1k-7.cm2?arch=x86_64&distro=mariner-2.0&upstream=openssl-1.1.1k-7.cm2.src.rpm"},
				{"ca-certificates-base", "1:2.0.0-1.cm2", "noarch", inventory.Mariner, inventory.SourcePackage{Name: "ca-certificates", Version: "1:2.0.0-1.cm2"}, "MPLv2.0",
					"pkg:rpm/mariner/ca-certificates-base@2.0.0-1.cm2?arch=noarch&distro=mariner-2.0&epoch=1&upstream=ca-certificates-2.0.0-1.cm2.src.rpm"},
			}},
		{"ndb-sle15-bci", "sle15-bci", "Packages.db", "usr/lib/sysimage/rpm/Packages.db",
			&inventory.Distro{ID: "sles", VersionID: "15.3"}, 35, []row{
				{"libzstd1", "1.4.4-1.6.1", "x86_64", inventory.SUSE, inventory.SourcePackage{Name: "zstd", Version: "1.4.4-1.6.1"}, "BSD-3-Clause AND GPL-2.0-only",
					"pkg:rpm/sles/libzstd1@1.4.4-1.6.1?arch=x86_64&distro=sles-15.3&upstream=zstd-1.4.4-1.6.1.src.rpm"},
				{"glibc", "2.31-9.3.2", "x86_64", inventory.SUSE, inventory.SourcePackage{Name: "glibc", Version: "2.31-9.3.2"},
					"LGPL-2.1-or-later AND LGPL-2.1-or-later WITH GCC-exception-2.0 AND GPL-2.0-or-later",
					"pkg:rpm/sles/glibc@2.31-9.3.2?arch=x86_64&distro=sles-15.3&upstream=glibc-2.31-9.3.2.src.rpm"},
			}},
		{"bdb-libuuid", "libuuid-bdb", "Packages", "var/lib/rpm/Packages",
			&inventory.Distro{ID: "almalinux", VersionID: "8.8"}, 1, []row{
				{"libuuid", "2.32.1-42.el8_8", "x86_64", inventory.AlmaLinux, inventory.SourcePackage{Name: "util-linux", Version: "2.32.1-42.el8_8"}, "BSD",
					"pkg:rpm/almalinux/libuuid@2.32.1-42.el8_8?arch=x86_64&distro=almalinux-8.8&upstream=util-linux-2.32.1-42.el8_8.src.rpm"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Cataloger{TempDir: t.TempDir()}
			data, err := os.ReadFile(catalogertest.SharedFixture(t, "pkgdb", "rpm", tt.fixDir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			root := t.TempDir()
			for _, rel := range []string{tt.path, filepath.Dir(tt.path) + "/Name", filepath.Dir(tt.path) + "/.rpm.lock"} {
				p := filepath.Join(root, filepath.FromSlash(rel))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			res := catalogertest.RunWanting(t, c, root, []string{tt.path})
			if len(res.Notes) != 0 {
				t.Errorf("notes: %q", res.Notes)
			}
			pkgs := catalogertest.Finish(c, tt.distro, res.Packages)
			if len(pkgs) != tt.count {
				t.Errorf("got %d packages, want %d", len(pkgs), tt.count)
			}
			got := map[string]row{}
			for _, p := range pkgs {
				r := row{Name: p.Name, Version: p.Version, Arch: p.Arch, Ecosystem: p.Ecosystem, PURL: p.PURL}
				if p.Source != nil {
					r.Source = *p.Source
				}
				if len(p.Licenses) > 0 {
					r.License = p.Licenses[0]
				}
				got[p.Name] = r
				if p.Name == "gpg-pubkey" {
					t.Errorf("gpg-pubkey pseudo-package reported")
				}
			}
			for _, w := range tt.checks {
				if diff := cmp.Diff(w, got[w.Name]); diff != "" {
					t.Errorf("%s (-want +got):\n%s", w.Name, diff)
				}
			}
			if entries, _ := os.ReadDir(c.TempDir); len(entries) != 0 {
				t.Errorf("temporary copies left behind: %v", entries)
			}
		})
	}
}

func TestFiles(t *testing.T) {
	in := catalogertest.FileInput(t, "var/lib/rpm/Packages", catalogertest.SharedFixture(t, "pkgdb", "rpm", "libuuid-bdb", "Packages"))
	res, err := New().Analyze(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"usr/lib/.build-id", "usr/lib/.build-id/df/ef6a880adac817216ab9866779a0725e017647",
		"usr/lib64/libuuid.so.1", "usr/lib64/libuuid.so.1.3.0", "usr/share/licenses/libuuid",
		"usr/share/licenses/libuuid/COPYING", "usr/share/licenses/libuuid/COPYING.BSD-3",
	}
	if diff := cmp.Diff(want, res.Packages[0].Files); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	// Before Finish the ecosystem and purl come from the vendor.
	if got, want := res.Packages[0].PURL, "pkg:rpm/redhat/libuuid@2.32.1-42.el8_8?arch=x86_64&upstream=util-linux-2.32.1-42.el8_8.src.rpm"; got != want {
		t.Errorf("purl = %s, want %s", got, want)
	}
}

func TestParseSourceRPM(t *testing.T) {
	for in, want := range map[string][2]string{
		"glibc-2.31-9.3.2.src.rpm":             {"glibc", "2.31-9.3.2"},
		"util-linux-2.32.1-42.el8_8.src.rpm":   {"util-linux", "2.32.1-42.el8_8"},
		"perl-Digest-MD5-2.55-396.el8.src.rpm": {"perl-Digest-MD5", "2.55-396.el8"},
		"kernel-5.14.0-362.nosrc.rpm":          {"kernel", "5.14.0-362"},
		"(none)":                               {"", ""},
		"-1-2.src.rpm":                         {"", ""},
	} {
		n, v, _ := ParseSourceRPM(in)
		if n != want[0] || v != want[1] {
			t.Errorf("ParseSourceRPM(%q) = %q, %q, want %q", in, n, v, want)
		}
	}
}

func TestMalformed(t *testing.T) {
	c := &Cataloger{TempDir: t.TempDir()}
	for name, data := range map[string][]byte{
		"empty":       nil,
		"text":        []byte("not a database\n"),
		"sqlite-junk": append([]byte("SQLite format 3\x00"), make([]byte, 200)...),
	} {
		res, err := c.Analyze(context.Background(), catalogertest.Input("var/lib/rpm/Packages", data))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(res.Packages) != 0 || len(res.Notes) != 1 {
			t.Errorf("%s: got %d packages and notes %q, want none and a note", name, len(res.Packages), res.Notes)
		}
	}
}

func TestWants(t *testing.T) {
	c := New()
	for _, tt := range []struct {
		path string
		want bool
	}{
		{"var/lib/rpm/Packages", true}, {"var/lib/rpm/rpmdb.sqlite", true}, {"usr/lib/sysimage/rpm/Packages.db", true},
		{"var/lib/rpm/Name", false}, {"var/lib/rpm/rpmdb.sqlite-shm", false}, {"opt/var/lib/rpm/Packages", false},
	} {
		if got := c.Wants(tt.path, 0o644, 1<<20); got != tt.want {
			t.Errorf("Wants(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	f.Add([]byte("SQLite format 3\x00"))
	f.Add([]byte{0, 0, 0, 0, 0x61, 0x15, 0x06, 0})
	f.Add([]byte("RpmP"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		catalogertest.Fuzz(t, &Cataloger{TempDir: dir}, "var/lib/rpm/Packages", data)
	})
}
