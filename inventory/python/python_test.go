package python

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/inventory/internal/catalogertest"
)

type row struct{ Name, Version, License, PURL, Type string }

var requestsLock = []row{
	{"certifi", "2020.12.5", "", "pkg:pypi/certifi@2020.12.5", "python-lock"},
	{"chardet", "4.0.0", "", "pkg:pypi/chardet@4.0.0", "python-lock"},
	{"idna", "2.10", "", "pkg:pypi/idna@2.10", "python-lock"},
	{"requests", "2.25.1", "", "pkg:pypi/requests@2.25.1", "python-lock"},
	{"urllib3", "1.26.4", "", "pkg:pypi/urllib3@1.26.4", "python-lock"},
}

func TestTestdata(t *testing.T) {
	tests := []struct {
		dir    string
		wanted []string
		want   []row
	}{
		{"site-packages", []string{
			"PyJWT-2.6.0.egg-info/PKG-INFO",
			"PyYAML-6.0.dist-info/METADATA",
			"PyYAML-6.0.dist-info/RECORD",
			"cryptography-38.0.4.dist-info/METADATA",
			"cryptography-38.0.4.dist-info/RECORD",
			"lazr.uri-1.0.6.egg-info/PKG-INFO",
			"pyparsing-3.0.9.dist-info/METADATA",
			"pyparsing-3.0.9.dist-info/RECORD",
		}, []row{
			{"PyJWT", "2.6.0", "MIT", "pkg:pypi/pyjwt@2.6.0", "python"},
			{"PyYAML", "6.0", "MIT", "pkg:pypi/pyyaml@6.0", "python"},
			{"cryptography", "38.0.4", "BSD-3-Clause OR Apache-2.0", "pkg:pypi/cryptography@38.0.4", "python"},
			{"lazr.uri", "1.0.6", "LGPL v3", "pkg:pypi/lazr-uri@1.0.6", "python"},
			{"pyparsing", "3.0.9", "MIT License", "pkg:pypi/pyparsing@3.0.9", "python"},
		}},
		{"poetry", []string{"poetry.lock"}, requestsLock},
		{"uv", []string{"uv.lock"}, requestsLock},
		{"requirements", []string{"requirements.txt"}, requestsLock},
		{"pipenv", []string{"Pipfile.lock"}, append(append([]row{}, requestsLock[:3]...),
			row{"pytest", "6.2.3", "", "pkg:pypi/pytest@6.2.3", "python-lock"}, requestsLock[3], requestsLock[4])},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			res := catalogertest.RunWanting(t, New(), filepath.Join("testdata", tt.dir), tt.wanted)
			if len(res.Notes) != 0 {
				t.Errorf("notes: %q", res.Notes)
			}
			pkgs := catalogertest.Finish(New(), nil, res.Packages)
			var got []row
			for _, p := range pkgs {
				if p.Name == "PyYAML" && (len(p.Files) != 23 || p.Files[4] != "_yaml/__init__.py") {
					t.Errorf("PyYAML files from RECORD: %q", p.Files)
				}
				r := row{Name: p.Name, Version: p.Version, PURL: p.PURL, Type: p.Type}
				if len(p.Licenses) > 0 {
					r.License = p.Licenses[0]
				}
				got = append(got, r)
				if p.Ecosystem != inventory.PyPI || p.Cataloger != Name {
					t.Errorf("%s: ecosystem %q cataloger %q", p.Name, p.Ecosystem, p.Cataloger)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("packages (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWants(t *testing.T) {
	c := New()
	for _, tt := range []struct {
		path string
		want bool
	}{
		{"usr/lib/python3.11/site-packages/requests-2.25.1.dist-info/METADATA", true},
		{"usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO", true},
		{"usr/lib/python2.7/dist-packages/old-1.0.egg-info", true},
		{"app/requirements.txt", true},
		{"app/requirements-dev.txt", true},
		{"app/poetry.lock", true},
		{"app/Pipfile.lock", true},
		{"app/uv.lock", true},
		{"x.dist-info/RECORD", true},
		{"x.egg-info/RECORD", false},
		{"x/METADATA", false},
		{"app/Pipfile", false},
		{"app/pyproject.toml", false},
		{"app/requirements.in", false},
	} {
		if got := c.Wants(tt.path, 0o644, 100); got != tt.want {
			t.Errorf("Wants(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

func TestRecordScripts(t *testing.T) {
	const dir = "usr/local/lib/python3.11/site-packages/pip-23.0.1.dist-info/"
	record := "../../../bin/pip,sha256=x,221\n\"pip/a,b.py\",sha256=y,1\n../../../../../../../etc/passwd,,\n/abs/path,,\npip-23.0.1.dist-info/RECORD,,\n"
	c := New()
	var pkgs []inventory.Package
	for name, data := range map[string]string{"RECORD": record, "METADATA": "Name: pip\nVersion: 23.0.1\n"} {
		res, err := c.Analyze(context.Background(), catalogertest.Input(dir+name, []byte(data)))
		if err != nil || len(res.Notes) != 0 {
			t.Fatalf("%s: %v %q", name, err, res.Notes)
		}
		pkgs = append(pkgs, res.Packages...)
	}
	pkgs = catalogertest.Finish(c, nil, pkgs)
	if len(pkgs) != 1 {
		t.Fatalf("got %d packages, want pip alone", len(pkgs))
	}
	want := []string{"usr/local/bin/pip", "usr/local/lib/python3.11/site-packages/pip/a,b.py",
		"usr/local/lib/python3.11/site-packages/pip-23.0.1.dist-info/RECORD"}
	if diff := cmp.Diff(want, pkgs[0].Files); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{"PyYAML": "pyyaml", "lazr.uri": "lazr-uri", "zope__interface": "zope-interface", "A-_.b": "a-b"} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMetadataLicences(t *testing.T) {
	for name, tt := range map[string]struct{ data, want string }{
		"expression-wins": {"Name: a\nVersion: 1\nLicense: BSD\nLicense-Expression: MIT OR Apache-2.0\n", "MIT OR Apache-2.0"},
		"long-text":       {"Name: a\nVersion: 1\nLicense: Copyright (c) x\n        Permission is hereby granted\nClassifier: License :: OSI Approved :: MIT License\n", "MIT License"},
		"unknown":         {"Name: a\nVersion: 1\nLicense: UNKNOWN\n", ""},
		"body-ignored":    {"Name: a\nVersion: 1\n\nLicense: GPL\n", ""},
	} {
		p, err := parseMetadata([]byte(tt.data))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if p.license != tt.want {
			t.Errorf("%s: licence %q, want %q", name, p.license, tt.want)
		}
	}
}

func TestMalformed(t *testing.T) {
	for path, data := range map[string]string{
		"x-1.dist-info/METADATA": "Metadata-Version: 2.1\n",
		"poetry.lock":            "[[package]\n",
		"Pipfile.lock":           "{}",
		"uv.lock":                "version = [",
	} {
		res, err := New().Analyze(context.Background(), catalogertest.Input(path, []byte(data)))
		if err != nil || len(res.Notes) != 1 || len(res.Packages) != 0 {
			t.Errorf("%s: err %v, notes %q, %d packages; want one note", path, err, res.Notes, len(res.Packages))
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	paths := []string{"a-1.dist-info/METADATA", "requirements.txt", "poetry.lock", "Pipfile.lock", "uv.lock", "a-1.dist-info/RECORD"}
	for i, p := range []string{"site-packages/PyYAML-6.0.dist-info/METADATA", "requirements/requirements.txt", "poetry/poetry.lock", "pipenv/Pipfile.lock", "uv/uv.lock", "site-packages/PyYAML-6.0.dist-info/RECORD"} {
		f.Add(uint8(i), catalogertest.Testdata(f, p))
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		catalogertest.Fuzz(t, New(), paths[int(which)%len(paths)], data)
	})
}
