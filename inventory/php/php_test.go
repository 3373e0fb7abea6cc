package php

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/inventory/internal/catalogertest"
)

type row struct{ Name, Version, PURL, License, Type string }

func TestTestdata(t *testing.T) {
	tests := []struct {
		dir    string
		wanted []string
		want   []row
	}{
		{"app", []string{"composer.lock"}, []row{
			{"adoy/fastcgi-client", "1.0.2", "pkg:composer/adoy/fastcgi-client@1.0.2", "MIT", "php-composer-lock"},
			{"alcaeus/mongo-php-adapter", "1.1.11", "pkg:composer/alcaeus/mongo-php-adapter@1.1.11", "MIT", "php-composer-lock"},
			{"behat/gherkin", "v4.6.2", "pkg:composer/behat/gherkin@v4.6.2", "MIT", "php-composer-lock"},
			{"codeception/codeception", "4.1.6", "pkg:composer/codeception/codeception@4.1.6", "MIT", "php-composer-lock"},
		}},
		{"vendor-installed", []string{"vendor/composer/installed.json"}, []row{
			{"guzzlehttp/psr7", "1.8.2", "pkg:composer/guzzlehttp/psr7@1.8.2", "MIT", "php-composer"},
			{"symfony/http-kernel", "v5.4.19", "pkg:composer/symfony/http-kernel@v5.4.19", "MIT", "php-composer"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			res := catalogertest.RunWanting(t, New(), filepath.Join("testdata", tt.dir), tt.wanted)
			var got []row
			for _, p := range res.Packages {
				got = append(got, row{p.Name, p.Version, p.PURL, p.Licenses[0], p.Type})
				if p.Ecosystem != inventory.Packagist {
					t.Errorf("%s ecosystem %q", p.Name, p.Ecosystem)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("packages (-want +got):\n%s", diff)
			}
		})
	}
}

func TestComposer1AndBranches(t *testing.T) {
	data := `[{"name":"a/b","version":"2.0.0","license":"BSD-3-Clause"},{"name":"c/d","version":"dev-main"},{"name":"nov","version":"1"}]`
	res, err := New().Analyze(context.Background(), catalogertest.Input("vendor/composer/installed.json", []byte(data)))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Packages) != 1 || res.Packages[0].Name != "a/b" || res.Packages[0].Licenses[0] != "BSD-3-Clause" {
		t.Errorf("got %+v", res.Packages)
	}
	res, err = New().Analyze(context.Background(), catalogertest.Input("composer.lock", []byte("{")))
	if err != nil || len(res.Notes) != 1 {
		t.Errorf("malformed: %v %v", res, err)
	}
}

func TestWants(t *testing.T) {
	c := New()
	for _, tt := range []struct {
		path string
		want bool
	}{
		{"var/www/composer.lock", true}, {"var/www/vendor/composer/installed.json", true}, {"vendor/composer/installed.json", true},
		{"var/www/composer.json", false}, {"var/www/vendor/composer/installed.php", false},
	} {
		if got := c.Wants(tt.path, 0o644, 100); got != tt.want {
			t.Errorf("Wants(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	f.Add(catalogertest.Testdata(f, "app/composer.lock"))
	f.Add([]byte(`[{"name":"a/b","version":"1","license":["MIT","GPL"]}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		catalogertest.Fuzz(t, New(), "composer.lock", data)
	})
}
