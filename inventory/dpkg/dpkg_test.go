package dpkg

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/inventory/internal/catalogertest"
)

type triple struct{ Name, Version, Source, SourceVersion, Arch string }

func byName(pkgs []inventory.Package) map[string]inventory.Package {
	m := map[string]inventory.Package{}
	for _, p := range pkgs {
		m[p.Name] = p
	}
	return m
}

func TestStatusFixtures(t *testing.T) {
	tests := []struct {
		name   string
		path   string // in-root path
		file   []string
		count  int
		checks []triple
	}{
		{"debian-12-minbase", statusPath, []string{"pkgdb", "dpkg", "debian-12-debian", "status"}, 88, []triple{
			{"libc6", "2.36-9+deb12u14", "glibc", "2.36-9+deb12u14", "amd64"},
			{"bash", "5.2.15-2+b13", "bash", "5.2.15-2", "amd64"},
			{"zlib1g", "1:1.2.13.dfsg-1", "zlib", "1:1.2.13.dfsg-1", "amd64"},
			{"base-files", "12.4+deb12u15", "base-files", "12.4+deb12u15", "amd64"},
			{"tzdata", "2026f-0+deb12u1", "tzdata", "2026f-0+deb12u1", "all"},
		}},
		{"debian-12-app", statusPath, []string{"pkgdb", "dpkg", "debian-12-app", "status"}, 145, []triple{
			{"libssl3", "3.0.22-1~deb12u2", "openssl", "3.0.22-1~deb12u2", "amd64"},
			{"bash", "5.2.15-2+b13", "bash", "5.2.15-2", "amd64"},
		}},
		{"distroless-status.d", statusDir + "libsqlite3-0", []string{"pkgdb", "dpkg", "distroless-status.d", "libsqlite3-0"}, 1, []triple{
			{"libsqlite3-0", "3.34.1-3", "sqlite3", "3.34.1-3", "arm64"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New()
			in := catalogertest.FileInput(t, tt.path, catalogertest.SharedFixture(t, tt.file...))
			if !c.Wants(in.Path, in.Mode, in.Size) {
				t.Fatalf("Wants(%s) = false", in.Path)
			}
			res, err := c.Analyze(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Notes) != 0 {
				t.Errorf("notes: %q", res.Notes)
			}
			if len(res.Packages) != tt.count {
				t.Errorf("got %d packages, want %d", len(res.Packages), tt.count)
			}
			got := byName(res.Packages)
			for _, w := range tt.checks {
				p, ok := got[w.Name]
				if !ok {
					t.Errorf("package %s missing", w.Name)
					continue
				}
				g := triple{p.Name, p.Version, p.Source.Name, p.Source.Version, p.Arch}
				if diff := cmp.Diff(w, g); diff != "" {
					t.Errorf("%s (-want +got):\n%s", w.Name, diff)
				}
				if p.Ecosystem != inventory.Debian || p.Type != "deb" || p.Cataloger != Name {
					t.Errorf("%s: ecosystem %q type %q cataloger %q", p.Name, p.Ecosystem, p.Type, p.Cataloger)
				}
				if diff := cmp.Diff([]inventory.Location{{Path: tt.path}}, p.Locations); diff != "" {
					t.Errorf("%s locations (-want +got):\n%s", p.Name, diff)
				}
			}
		})
	}
}

// layRoot builds a target root with the minbase status database, the real
// file lists of testdata/info and files the cataloger must not read.
func layRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	write := func(rel string, data []byte) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	status, err := os.ReadFile(catalogertest.SharedFixture(t, "pkgdb", "dpkg", "debian-12-debian", "status"))
	if err != nil {
		t.Fatal(err)
	}
	write(statusPath, status)
	write("var/lib/dpkg/status-old", status)
	write("var/lib/dpkg/available", nil)
	entries, err := os.ReadDir(filepath.Join("testdata", "info"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata", "info", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		write(infoDir+strings.Replace(e.Name(), "_", ":", 1), data)
	}
	write("etc/os-release", []byte("ID=debian\n"))
	write("usr/share/doc/zlib1g/copyright", []byte("zlib"))
	return root
}

func TestRootWithFileLists(t *testing.T) {
	c := New()
	wantFiles := []string{
		"var/lib/dpkg/info/base-files.list",
		"var/lib/dpkg/info/libc6:amd64.list",
		"var/lib/dpkg/info/zlib1g:amd64.list",
		"var/lib/dpkg/status",
	}
	res := catalogertest.RunWanting(t, c, layRoot(t), wantFiles)
	if len(res.Packages) != 88+3 {
		t.Fatalf("got %d records, want 88 packages + 3 file lists", len(res.Packages))
	}
	pkgs := catalogertest.Finish(c, &inventory.Distro{ID: "debian", VersionID: "12", Codename: "bookworm"}, res.Packages)
	if len(pkgs) != 88 {
		t.Fatalf("after Finish: %d packages, want 88", len(pkgs))
	}
	got := byName(pkgs)
	zlib := got["zlib1g"]
	// As dpkg records it: bookworm packages still list the pre-merged-/usr
	// paths (lib/ is a symlink to usr/lib/ in the image).
	wantZlib := []string{
		"lib", "lib/x86_64-linux-gnu", "lib/x86_64-linux-gnu/libz.so.1.2.13",
		"usr", "usr/share", "usr/share/doc", "usr/share/doc/zlib1g", "usr/share/doc/zlib1g/changelog.Debian.gz",
		"usr/share/doc/zlib1g/changelog.gz", "usr/share/doc/zlib1g/copyright",
		"lib/x86_64-linux-gnu/libz.so.1",
	}
	if diff := cmp.Diff(wantZlib, zlib.Files); diff != "" {
		t.Errorf("zlib1g files (-want +got):\n%s", diff)
	}
	if n := len(got["libc6"].Files); n < 200 {
		t.Errorf("libc6 owns %d files, want the whole list", n)
	}
	if n := len(got["base-files"].Files); n != 87 {
		t.Errorf("base-files owns %d files, want 87", n)
	}
	purls := map[string]string{
		"zlib1g":     "pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12&upstream=zlib",
		"libc6":      "pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64&distro=debian-12&upstream=glibc",
		"bash":       "pkg:deb/debian/bash@5.2.15-2%2Bb13?arch=amd64&distro=debian-12&upstream=bash%405.2.15-2",
		"base-files": "pkg:deb/debian/base-files@12.4%2Bdeb12u15?arch=amd64&distro=debian-12",
	}
	for name, want := range purls {
		if got := got[name].PURL; got != want {
			t.Errorf("%s purl = %s, want %s", name, got, want)
		}
	}
}

func TestFinishUbuntu(t *testing.T) {
	c := New()
	status := "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nSource: glibc\nVersion: 2.35-0ubuntu3.4\n\n" +
		"Package: removed\nStatus: deinstall ok config-files\nVersion: 1.0\n\n"
	res, err := c.Analyze(context.Background(), catalogertest.Input(statusPath, []byte(status)))
	if err != nil {
		t.Fatal(err)
	}
	pkgs := catalogertest.Finish(c, &inventory.Distro{ID: "ubuntu", VersionID: "22.04"}, res.Packages)
	want := []inventory.Package{{
		Name: "libc6", Version: "2.35-0ubuntu3.4", Ecosystem: inventory.Ubuntu, Type: "deb", Arch: "amd64",
		PURL:      "pkg:deb/ubuntu/libc6@2.35-0ubuntu3.4?arch=amd64&distro=ubuntu-22.04&upstream=glibc",
		Source:    &inventory.SourcePackage{Name: "glibc", Version: "2.35-0ubuntu3.4"},
		Locations: []inventory.Location{{Path: statusPath}}, Cataloger: Name,
	}}
	if diff := cmp.Diff(want, pkgs); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestDistrolessMD5Sums(t *testing.T) {
	c := New()
	dir := catalogertest.SharedFixture(t, "pkgdb", "dpkg", "distroless-status.d")
	root := t.TempDir()
	sd := filepath.Join(root, "var", "lib", "dpkg", "status.d")
	if err := os.MkdirAll(sd, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"libsqlite3-0", "libsqlite3-0.md5sums"} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sd, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, wanted, _ := catalogertest.Run(t, c, root)
	if len(wanted) != 2 {
		t.Errorf("wanted %q, want both files", wanted)
	}
	pkgs := catalogertest.Finish(c, &inventory.Distro{ID: "debian", VersionID: "11"}, res.Packages)
	if len(pkgs) != 1 {
		t.Fatalf("got %d packages", len(pkgs))
	}
	if pkgs[0].Files[0] != "usr/lib/aarch64-linux-gnu/libsqlite3.so.0.8.6" {
		t.Errorf("files = %q", pkgs[0].Files)
	}
	if want := "pkg:deb/debian/libsqlite3-0@3.34.1-3?arch=arm64&distro=debian-11&upstream=sqlite3"; pkgs[0].PURL != want {
		t.Errorf("purl = %s, want %s", pkgs[0].PURL, want)
	}
}

func TestWants(t *testing.T) {
	c := New()
	tests := []struct {
		path string
		mode os.FileMode
		size int64
		want bool
	}{
		{"var/lib/dpkg/status", 0o644, 1 << 20, true},
		{"var/lib/dpkg/status", os.ModeSymlink, 10, false},
		{"var/lib/dpkg/status-old", 0o644, 10, false},
		{"var/lib/dpkg/status.d/base", 0o644, 10, true},
		{"var/lib/dpkg/status.d/base.md5sums", 0o644, 10, true},
		{"var/lib/dpkg/status.d/sub/x", 0o644, 10, false},
		{"var/lib/dpkg/status.d/.hidden", 0o644, 10, false},
		{"var/lib/dpkg/info/bash.list", 0o644, 10, true},
		{"var/lib/dpkg/info/bash.md5sums", 0o644, 10, false},
		{"var/lib/dpkg/info/bash.list", 0o644, MaxListFile + 1, false},
		{"usr/var/lib/dpkg/status", 0o644, 10, false},
	}
	for _, tt := range tests {
		if got := c.Wants(tt.path, tt.mode, tt.size); got != tt.want {
			t.Errorf("Wants(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

func TestParseSource(t *testing.T) {
	for in, want := range map[string][2]string{
		"glibc": {"glibc", ""}, "bash (5.2.15-2)": {"bash", "5.2.15-2"}, "x (": {"x", ""}, "": {"", ""},
	} {
		n, v := parseSource(in)
		if n != want[0] || v != want[1] {
			t.Errorf("parseSource(%q) = %q, %q, want %q", in, n, v, want)
		}
	}
}

func TestMalformedParagraph(t *testing.T) {
	res, err := New().Analyze(context.Background(), catalogertest.Input(statusPath, []byte("Description: x\n\nPackage: a\nVersion: 1\n")))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Packages) != 1 || len(res.Notes) != 1 {
		t.Errorf("got %d packages, notes %q; want 1 package and 1 note", len(res.Packages), res.Notes)
	}
}

func FuzzAnalyze(f *testing.F) {
	f.Add(statusPath, []byte("Package: a\nStatus: install ok installed\nSource: b (1)\nVersion: 1\n\n"))
	f.Add(infoDir+"a:amd64.list", []byte("/.\n/usr\n/usr/bin/a\n"))
	f.Add(statusDir+"a.md5sums", []byte("d41d8cd98f00b204e9800998ecf8427e  usr/bin/a\n"))
	f.Fuzz(func(t *testing.T, path string, data []byte) {
		c := New()
		if !c.Wants(path, 0o644, int64(len(data))) {
			path = statusPath
		}
		catalogertest.Fuzz(t, c, path, data)
	})
}

func BenchmarkParseStatus(b *testing.B) {
	data, err := os.ReadFile(catalogertest.SharedFixture(b, "pkgdb", "dpkg", "debian-12-app", "status"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := ParseStatus(context.Background(), data); err != nil {
			b.Fatal(err)
		}
	}
}
