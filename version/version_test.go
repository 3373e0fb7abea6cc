package version

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCompare holds the cases each scheme gets wrong most often. Each row
// is checked both ways round.
func TestCompare(t *testing.T) {
	tests := []struct {
		name      string
		ecosystem string
		a, b      string
		want      int
	}{
		// dpkg: epochs, tildes, revisions.
		{"deb/epoch wins", "Debian:12", "1:1.0-1", "2.0-1", 1},
		{"deb/tilde before release", "Debian", "1.0~rc1-1", "1.0-1", -1},
		{"deb/tilde before empty", "Debian", "1.0~~", "1.0~", -1},
		{"deb/revision", "Debian", "3.0.11-1~deb12u2", "3.0.11-1", -1},
		{"deb/security upload", "Debian", "1.1.1n-0+deb11u5", "1.1.1n-0+deb11u4", 1},
		{"deb/missing revision is zero", "Ubuntu:22.04", "1.2", "1.2-0", 0},
		{"deb/letters before non-letters", "Debian", "1.0a", "1.0+", -1},
		{"deb/numeric compare", "Debian", "7.88.1-10+deb12u5", "7.88.1-9", 1},
		// apk: suffixes, revisions.
		{"apk/revision", "Alpine:v3.18", "3.1.0-r4", "3.1.0-r10", -1},
		{"apk/letter suffix", "Alpine", "1.1.1q-r0", "1.1.1k-r0", 1},
		{"apk/rc before release", "Alpine", "1.0_rc1-r0", "1.0-r0", -1},
		{"apk/p after release", "Alpine", "1.0_p1-r0", "1.0-r0", 1},
		{"apk/alpha before beta", "Alpine", "2.0_alpha1", "2.0_beta1", -1},
		{"apk/longer numeric", "Alpine", "1.36.1-r2", "1.36.1-r15", -1},
		// rpm: epochs, tildes, carets, releases.
		{"rpm/epoch", "AlmaLinux:9", "1:3.0.7-24.el9", "3.0.7-25.el9", 1},
		{"rpm/release", "AlmaLinux", "3.0.7-24.el9", "3.0.7-25.el9", -1},
		{"rpm/alma suffix", "AlmaLinux", "2.34-100.el9_4.2", "2.34-100.el9_4.2.alma.1", -1},
		{"rpm/tilde pre-release", "Rocky Linux", "1.0~rc1-1", "1.0-1", -1},
		{"rpm/caret post-release", "Red Hat", "1.0^git1-1", "1.0-1", 1},
		{"rpm/numbers beat letters", "SUSE", "1.0.a", "1.0.1", -1},
		// semver.
		{"semver/pre-release before release", "SEMVER", "1.0.0-rc.1", "1.0.0", -1},
		{"semver/numeric identifiers", "crates.io", "1.0.0-alpha.2", "1.0.0-alpha.10", -1},
		{"semver/build ignored", "crates.io", "1.0.0+build.1", "1.0.0", 0},
		{"semver/v optional", "SEMVER", "v1.2.3", "1.2.3", 0},
		// Go: pseudo-versions, +incompatible, toolchain versions.
		{"go/pseudo before next patch", "Go", "v0.0.0-20200910180754-dd1b699fc489", "v0.0.1", -1},
		{"go/pseudo after base", "Go", "v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.3", 1},
		{"go/pseudo ordering", "Go", "v0.0.0-20210101000000-aaaaaaaaaaaa", "v0.0.0-20220101000000-bbbbbbbbbbbb", -1},
		{"go/incompatible", "Go", "v2.0.0+incompatible", "v2.0.1", -1},
		{"go/osv without v", "Go", "0.7.0", "v0.17.0", -1},
		{"go/stdlib go prefix", "Go", "go1.21.3", "1.21.10", -1},
		{"go/toolchain rc", "Go", "1.21rc2", "1.21.0", -1},
		{"go/toolchain short", "Go", "1.22", "1.22.0", 0},
		// PEP 440.
		{"pep440/epoch", "PyPI", "1!1.0", "2.0", 1},
		{"pep440/dev before pre", "PyPI", "1.0.dev1", "1.0a1", -1},
		{"pep440/pre before release", "PyPI", "1.0rc1", "1.0", -1},
		{"pep440/post after release", "PyPI", "1.0.post1", "1.0", 1},
		{"pep440/normalised", "PyPI", "1.0.0", "1.0", 0},
		{"pep440/local after public", "PyPI", "1.0+local.1", "1.0", 1},
		{"pep440/alternative spelling", "PyPI", "1.0-alpha1", "1.0a1", 0},
		// Maven.
		{"maven/qualifier order", "Maven", "1.0-alpha", "1.0-beta", -1},
		{"maven/rc before release", "Maven", "1.0-RC1", "1.0", -1},
		{"maven/snapshot before release", "Maven", "1.0-SNAPSHOT", "1.0", -1},
		{"maven/sp after release", "Maven", "1.0-sp1", "1.0", 1},
		{"maven/trailing zeros", "Maven", "1.0.0", "1", 0},
		{"maven/final is release", "Maven", "2.12.7.Final", "2.12.7", 0},
		// npm.
		{"npm/pre-release", "npm", "1.0.0-beta.2", "1.0.0", -1},
		{"npm/numeric", "npm", "4.17.21", "4.17.4", 1},
		// RubyGems.
		{"gem/prerelease before release", "RubyGems", "1.0.0.rc1", "1.0.0", -1},
		{"gem/trailing zeros", "RubyGems", "1.0", "1", 0},
		{"gem/dash is pre", "RubyGems", "1.0.0-beta", "1.0.0", -1},
		{"gem/alpha before beta", "RubyGems", "2.a", "2.b", -1},
		{"gem/segments", "RubyGems", "1.10", "1.9", 1},
		// NuGet.
		{"nuget/four parts", "NuGet", "1.0.0.1", "1.0.0", 1},
		{"nuget/short form", "NuGet", "1.0", "1.0.0.0", 0},
		{"nuget/case-insensitive pre", "NuGet", "1.0.0-BETA", "1.0.0-beta", 0},
		{"nuget/pre before release", "NuGet", "6.0.0-preview.1", "6.0.0", -1},
		{"nuget/metadata ignored", "NuGet", "1.0.0+abc", "1.0.0", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Compare(tt.ecosystem, tt.a, tt.b)
			if err != nil {
				t.Fatal(err)
			}
			back, err := Compare(tt.ecosystem, tt.b, tt.a)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]int{tt.want, -tt.want}, []int{got, back}); diff != "" {
				t.Errorf("Compare(%q, %q) and reverse (-want +got):\n%s", tt.a, tt.b, diff)
			}
			// Parsed once, the versions order the same.
			c, _ := For(tt.ecosystem)
			va, err := c.Parse(tt.a)
			if err != nil {
				t.Fatal(err)
			}
			vb, err := c.Parse(tt.b)
			if err != nil {
				t.Fatal(err)
			}
			n, err := va.Compare(vb)
			if err != nil || n != tt.want || va.String() != tt.a {
				t.Errorf("Parse(%q).Compare(Parse(%q)) = %d, %v (String %q), want %d", tt.a, tt.b, n, err, va.String(), tt.want)
			}
		})
	}
}

func TestInvalid(t *testing.T) {
	tests := []struct {
		name, ecosystem, v string
	}{
		{"deb/empty", "Debian", ""},
		{"deb/space", "Debian", "1.0 2"},
		{"deb/letter start", "Debian", "abc"},
		{"apk/garbage", "Alpine", "x.y.z"},
		{"rpm/empty", "AlmaLinux", ""},
		{"rpm/bad epoch", "AlmaLinux", "x:1.0"},
		{"semver/garbage", "crates.io", "1.0.0.0.0"},
		{"go/garbage", "Go", "latest"},
		{"pep440/garbage", "PyPI", "not-a-version!"},
		{"maven/empty", "Maven", ""},
		{"npm/garbage", "npm", "one.two"},
		{"gem/garbage", "RubyGems", "1.0 beta"},
		{"nuget/five parts", "NuGet", "1.2.3.4.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := For(tt.ecosystem)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Valid(tt.v); err == nil {
				t.Errorf("Valid(%q) = nil, want an error", tt.v)
			}
			if _, err := c.Compare(tt.v, "1.0"); err == nil {
				t.Errorf("Compare(%q, 1.0) = nil error, want one", tt.v)
			}
		})
	}
}

// TestCompareSchemesMixed: versions of two schemes do not compare, even
// when both parse to the same Go type (semver and Go are both strings).
func TestCompareSchemesMixed(t *testing.T) {
	for _, pair := range [][2]string{{"Go", "crates.io"}, {"PyPI", "npm"}} {
		a, _ := For(pair[0])
		b, _ := For(pair[1])
		va, err := a.Parse("1.0.0")
		if err != nil {
			t.Fatal(err)
		}
		vb, err := b.Parse("1.0.0")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := va.Compare(vb); err == nil {
			t.Errorf("%s version compared with a %s one without error", pair[0], pair[1])
		}
	}
}

func TestForUnknown(t *testing.T) {
	_, err := For("Nonexistent")
	if !errors.Is(err, ErrUnknownEcosystem) {
		t.Errorf("For(Nonexistent) error = %v, want ErrUnknownEcosystem", err)
	}
}

// FuzzCompare checks that no input panics and that every scheme is
// reflexive and antisymmetric on what it accepts.
func FuzzCompare(f *testing.F) {
	for _, s := range []string{"1:1.0~rc1-1", "1.0_rc1-r0", "v0.0.0-20200910180754-dd1b699fc489", "1!1.0.post1.dev2", "1.0-SNAPSHOT", "1.0.0-beta.2", "1.0.0.1-BETA"} {
		f.Add(s, "1.0")
	}
	ecos := []string{"Debian", "Alpine", "AlmaLinux", "SEMVER", "Go", "PyPI", "Maven", "npm", "RubyGems", "NuGet"}
	f.Fuzz(func(t *testing.T, a, b string) {
		for _, e := range ecos {
			c, _ := For(e)
			ab, err1 := c.Compare(a, b)
			ba, err2 := c.Compare(b, a)
			if err1 != nil || err2 != nil {
				continue
			}
			if ab != -ba {
				t.Errorf("%s: Compare(%q,%q)=%d but reverse=%d", e, a, b, ab, ba)
			}
			if n, _ := c.Compare(a, a); n != 0 {
				t.Errorf("%s: Compare(%q,%q)=%d, want 0", e, a, a, n)
			}
		}
	})
}
