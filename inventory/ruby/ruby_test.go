package ruby

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/inventory/internal/catalogertest"
)

func TestTestdata(t *testing.T) {
	const specs = "usr/share/rubygems-integration/all/specifications/"
	tests := []struct {
		dir    string
		wanted []string
		count  int
		checks map[string]string // name -> version
		lic    map[string]string
	}{
		{"installed", []string{specs + "mustermann-3.0.0.gemspec", specs + "rack-2.2.22.gemspec"}, 2,
			map[string]string{"rack": "2.2.22", "mustermann": "3.0.0"}, map[string]string{"rack": "MIT", "mustermann": "MIT"}},
		{"buildkite", []string{"Gemfile.lock"}, 23,
			map[string]string{"fpm": "1.17.0", "aws-sdk-core": "3.244.0", "thor": "1.5.0", "stud": "0.0.23"}, nil},
		{"syft", []string{"Gemfile.lock"}, 50,
			map[string]string{"rails": "4.1.1", "rack": "1.5.2", "sass-rails": "4.0.3"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			res := catalogertest.RunWanting(t, New(), filepath.Join("testdata", tt.dir), tt.wanted)
			if len(res.Notes) != 0 {
				t.Errorf("notes %q", res.Notes)
			}
			if len(res.Packages) != tt.count {
				t.Errorf("%d packages, want %d", len(res.Packages), tt.count)
			}
			got := map[string]inventory.Package{}
			for _, p := range res.Packages {
				got[p.Name] = p
				if p.Ecosystem != inventory.RubyGems || p.PURL != "pkg:gem/"+p.Name+"@"+p.Version {
					t.Errorf("%+v", p)
				}
			}
			for name, v := range tt.checks {
				if got[name].Version != v {
					t.Errorf("%s = %q, want %q", name, got[name].Version, v)
				}
			}
			for name, l := range tt.lic {
				if diff := cmp.Diff([]string{l}, got[name].Licenses); diff != "" {
					t.Errorf("%s licences (-want +got):\n%s", name, diff)
				}
			}
			if _, ok := got["google-cloud-errors"]; ok {
				t.Error("PATH gem reported")
			}
			if _, ok := got["turbolinks"]; ok {
				t.Error("GIT gem reported")
			}
		})
	}
}

func TestPlatformsAndLicences(t *testing.T) {
	lock := "GEM\n  remote: https://rubygems.org/\n  specs:\n    nokogiri (1.13.10-x86_64-linux)\n      racc (~> 1.4)\n    racc (1.6.2)\n\nPLATFORMS\n  x86_64-linux\n"
	res, err := New().Analyze(context.Background(), catalogertest.Input("app/Gemfile.lock", []byte(lock)))
	if err != nil {
		t.Fatal(err)
	}
	got := catalogertest.IDs(res.Packages)
	if diff := cmp.Diff([]string{"nokogiri@1.13.10", "racc@1.6.2"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	g, err := parseSpec([]byte("Gem::Specification.new do |s|\n  s.name = \"x\"\n  s.version = Gem::Version.new(\"1.0\")\n  s.licenses = [\"MIT\".freeze, \"Ruby\".freeze]\nend\n"))
	if err != nil || g.license != "(MIT OR Ruby)" || g.version != "1.0" {
		t.Errorf("got %+v, %v", g, err)
	}
}

func TestWants(t *testing.T) {
	c := New()
	for _, tt := range []struct {
		path string
		want bool
	}{
		{"app/Gemfile.lock", true}, {"app/gems.locked", true}, {"usr/local/bundle/specifications/rack-2.2.3.gemspec", true},
		{"app/Gemfile", false}, {"app/rack.gemspec", false}, {"usr/lib/ruby/gems/3.1.0/gems/rack-2.2.3/rack.gemspec", false},
	} {
		if got := c.Wants(tt.path, 0o644, 100); got != tt.want {
			t.Errorf("Wants(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	for _, p := range []string{"syft/Gemfile.lock", "installed/usr/share/rubygems-integration/all/specifications/rack-2.2.22.gemspec"} {
		f.Add(catalogertest.Testdata(f, p))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		catalogertest.Fuzz(t, New(), "Gemfile.lock", data)
		catalogertest.Fuzz(t, New(), "specifications/x.gemspec", data)
	})
}
