package osrelease

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/inventory/internal/catalogertest"
)

func TestAnalyze(t *testing.T) {
	tests := []struct {
		dir    string
		file   string // the file whose distro must win
		want   *inventory.Distro
		wanted []string
	}{
		{"debian-12", "etc/os-release",
			&inventory.Distro{ID: "debian", VersionID: "12", Codename: "bookworm", Name: "Debian GNU/Linux 12 (bookworm)"},
			[]string{"etc/debian_version", "etc/os-release"}},
		{"alpine-3.18", "etc/os-release",
			&inventory.Distro{ID: "alpine", VersionID: "3.18.4", Name: "Alpine Linux v3.18"},
			[]string{"etc/alpine-release", "etc/os-release"}},
		{"ubuntu-22.04", "usr/lib/os-release",
			&inventory.Distro{ID: "ubuntu", VersionID: "22.04", Codename: "jammy", Name: "Ubuntu 22.04.3 LTS"},
			[]string{"usr/lib/os-release"}},
		{"almalinux-9", "etc/os-release",
			&inventory.Distro{ID: "almalinux", VersionID: "9.3", Name: "AlmaLinux 9.3 (Shamrock Pink Serval)"},
			[]string{"etc/os-release", "etc/redhat-release"}},
		{"distroless", "etc/os-release",
			&inventory.Distro{ID: "debian", VersionID: "12", Name: "Distroless"},
			[]string{"etc/os-release"}},
		{"alpine-legacy", "etc/alpine-release",
			&inventory.Distro{ID: "alpine", VersionID: "3.16.2", Name: "Alpine Linux v3.16.2"},
			[]string{"etc/alpine-release"}},
		{"debian-legacy", "etc/debian_version",
			&inventory.Distro{ID: "debian", Codename: "bookworm", Name: "Debian GNU/Linux bookworm/sid"},
			[]string{"etc/debian_version"}},
		{"rocky-legacy", "etc/redhat-release",
			&inventory.Distro{ID: "rocky", VersionID: "8.9", Name: "Rocky Linux release 8.9 (Green Obsidian)"},
			[]string{"etc/redhat-release"}},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			c := New()
			root := filepath.Join("testdata", tt.dir)
			catalogertest.RunWanting(t, c, root, tt.wanted)
			// The highest-ranked file decides.
			best := 0
			for _, p := range tt.wanted {
				if Rank(p) > best {
					best = Rank(p)
				}
			}
			if Rank(tt.file) != best {
				t.Fatalf("%s has rank %d, the best present is %d", tt.file, Rank(tt.file), best)
			}
			in := catalogertest.FileInput(t, tt.file, filepath.Join(root, filepath.FromSlash(tt.file)))
			res, err := c.Analyze(t.Context(), in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, res.Distro); diff != "" {
				t.Errorf("distro (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWants(t *testing.T) {
	c := New()
	tests := []struct {
		path string
		size int64
		want bool
	}{
		{"etc/os-release", 300, true},
		{"usr/lib/os-release", 300, true},
		{"etc/os-release", MaxSize + 1, false},
		{"etc/os-release.d/x", 10, false},
		{"usr/etc/os-release", 10, false},
		{"etc/lsb-release", 10, false},
	}
	for _, tt := range tests {
		if got := c.Wants(tt.path, 0o644, tt.size); got != tt.want {
			t.Errorf("Wants(%q, %d) = %v, want %v", tt.path, tt.size, got, tt.want)
		}
	}
}

func TestUnquote(t *testing.T) {
	for in, want := range map[string]string{
		`"a b"`: "a b", `'a "b"'`: `a "b"`, `"a \"q\" \\ \$"`: `a "q" \ $`, `plain`: "plain", `"`: `"`,
	} {
		if got := unquote(in); got != want {
			t.Errorf("unquote(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestNoID(t *testing.T) {
	res, err := New().Analyze(t.Context(), catalogertest.Input("etc/os-release", []byte("NAME=x\n")))
	if err != nil {
		t.Fatal(err)
	}
	if res.Distro != nil || len(res.Notes) != 1 {
		t.Errorf("got distro %+v notes %q, want no distro and one note", res.Distro, res.Notes)
	}
}

func FuzzAnalyze(f *testing.F) {
	f.Add("etc/os-release", []byte("ID=debian\nVERSION_ID=\"12\"\n"))
	f.Add("etc/redhat-release", []byte("AlmaLinux release 9.3 (x)\n"))
	f.Add("etc/debian_version", []byte("bookworm/sid\n"))
	f.Add("etc/alpine-release", []byte("3.18.4\n"))
	f.Fuzz(func(t *testing.T, path string, data []byte) {
		if Rank(path) == 0 {
			path = "etc/os-release"
		}
		catalogertest.Fuzz(t, New(), path, data)
	})
}
