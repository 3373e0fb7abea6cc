package apk

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/inventory/internal/catalogertest"
)

func TestFixtures(t *testing.T) {
	type row struct{ Name, Version, Source, License, PURL string }
	tests := []struct {
		name   string
		dir    string
		distro *inventory.Distro
		count  int
		checks []row
	}{
		{"alpine-3.18", "scalibr", &inventory.Distro{ID: "alpine", VersionID: "3.18.0"}, 15, []row{
			{"libssl3", "3.1.0-r4", "openssl", "Apache-2.0", "pkg:apk/alpine/libssl3@3.1.0-r4?arch=x86_64&distro=alpine-3.18.0&upstream=openssl"},
			{"libcrypto3", "3.1.0-r4", "openssl", "Apache-2.0", "pkg:apk/alpine/libcrypto3@3.1.0-r4?arch=x86_64&distro=alpine-3.18.0&upstream=openssl"},
			{"musl", "1.2.4-r0", "musl", "MIT", "pkg:apk/alpine/musl@1.2.4-r0?arch=x86_64&distro=alpine-3.18.0"},
			{"busybox", "1.36.0-r9", "busybox", "GPL-2.0-only", "pkg:apk/alpine/busybox@1.36.0-r9?arch=x86_64&distro=alpine-3.18.0"},
		}},
		{"alpine-3.16", "syft-multiple-2", &inventory.Distro{ID: "alpine", VersionID: "3.16.2"}, 14, []row{
			{"libssl1.1", "1.1.1q-r0", "openssl", "OpenSSL", "pkg:apk/alpine/libssl1.1@1.1.1q-r0?arch=x86_64&distro=alpine-3.16.2&upstream=openssl"},
			{"musl-utils", "1.2.3-r0", "musl", "MIT BSD GPL2+", "pkg:apk/alpine/musl-utils@1.2.3-r0?arch=x86_64&distro=alpine-3.16.2&upstream=musl"},
			{"ca-certificates-bundle", "20220614-r0", "ca-certificates", "MPL-2.0 AND MIT", "pkg:apk/alpine/ca-certificates-bundle@20220614-r0?arch=x86_64&distro=alpine-3.16.2&upstream=ca-certificates"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New()
			root := t.TempDir()
			data, err := os.ReadFile(catalogertest.SharedFixture(t, "pkgdb", "apk", tt.dir, "installed"))
			if err != nil {
				t.Fatal(err)
			}
			for _, rel := range []string{dbPath, "lib/apk/db/scripts.tar", "lib/apk/db/triggers", "etc/apk/world"} {
				p := filepath.Join(root, filepath.FromSlash(rel))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			res := catalogertest.RunWanting(t, c, root, []string{dbPath})
			if len(res.Notes) != 0 {
				t.Errorf("notes: %q", res.Notes)
			}
			pkgs := catalogertest.Finish(c, tt.distro, res.Packages)
			if len(pkgs) != tt.count {
				t.Errorf("got %d packages, want %d", len(pkgs), tt.count)
			}
			got := map[string]row{}
			for _, p := range pkgs {
				got[p.Name] = row{p.Name, p.Version, p.Source.Name, p.Licenses[0], p.PURL}
				if p.Ecosystem != inventory.Alpine || p.Type != "apk" || p.Arch != "x86_64" {
					t.Errorf("%s: ecosystem %q type %q arch %q", p.Name, p.Ecosystem, p.Type, p.Arch)
				}
			}
			for _, w := range tt.checks {
				if diff := cmp.Diff(w, got[w.Name]); diff != "" {
					t.Errorf("%s (-want +got):\n%s", w.Name, diff)
				}
			}
		})
	}
}

func TestFiles(t *testing.T) {
	data, err := os.ReadFile(catalogertest.SharedFixture(t, "pkgdb", "apk", "scalibr", "installed"))
	if err != nil {
		t.Fatal(err)
	}
	entries, _, err := Parse(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name != "libssl3" {
			continue
		}
		want := []string{"lib/libssl.so.3", "usr/lib/libssl.so.3"}
		if diff := cmp.Diff(want, e.Files); diff != "" {
			t.Errorf("libssl3 files (-want +got):\n%s", diff)
		}
		if e.Commit == "" {
			t.Error("libssl3 has no commit")
		}
		return
	}
	t.Fatal("libssl3 not found")
}

func TestMalformed(t *testing.T) {
	res, err := New().Analyze(context.Background(), catalogertest.Input(dbPath, []byte("P:a\n\nP:b\nV:1\nF:../../x\nR:../../../etc/passwd\nR:y\n")))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Packages) != 1 || len(res.Notes) != 1 {
		t.Fatalf("got %d packages and notes %q, want 1 and 1", len(res.Packages), res.Notes)
	}
	// Paths climbing out of the root are dropped, never kept.
	if diff := cmp.Diff([]string(nil), res.Packages[0].Files); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
}

func TestWants(t *testing.T) {
	c := New()
	for _, tt := range []struct {
		path string
		mode os.FileMode
		want bool
	}{
		{dbPath, 0o644, true}, {dbPath, os.ModeDir, false}, {"lib/apk/db/triggers", 0o644, false}, {"x/lib/apk/db/installed", 0o644, false},
	} {
		if got := c.Wants(tt.path, tt.mode, 100); got != tt.want {
			t.Errorf("Wants(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	f.Add([]byte("P:a\nV:1-r0\nA:x86_64\no:b\nL:MIT\nF:usr/bin\nR:a\n\n"))
	f.Add([]byte("P:\nV:\n\n\nF:..\nR:.."))
	f.Fuzz(func(t *testing.T, data []byte) {
		catalogertest.Fuzz(t, New(), dbPath, data)
	})
}
