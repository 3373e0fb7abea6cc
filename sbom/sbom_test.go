package sbom

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/internal/testutil"
	"github.com/sluice-dev/sluice/inventory"
)

const (
	layer0 = "sha256:1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b"
	layer3 = "sha256:4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e"
)

// fixture is a small but real image inventory: Debian packages from the
// dpkg database of the base layer (with source packages and licenses, one
// of them not an SPDX identifier), a Go binary's modules and standard
// library from a later layer, and an npm package; four layers.
func fixture() Document {
	dpkg := []inventory.Location{{Path: "var/lib/dpkg/status", Layer: layer0}}
	gobin := []inventory.Location{{Path: "usr/local/bin/api", Layer: layer3, LayerIndex: 3}}
	return Document{
		Target:  finding.Target{Kind: "image", Name: "registry.example.com/shop/api:1.4.2", Digest: "sha256:9b2a5c3f0e8d4a1b7c6e5f4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b"},
		Tool:    finding.Tool{Name: "sluice", Version: "v0.3.0"},
		Created: time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC),
		Inventory: inventory.Inventory{
			Distro: &inventory.Distro{ID: "debian", VersionID: "12", Codename: "bookworm", Name: "Debian GNU/Linux 12 (bookworm)"},
			Layers: []inventory.Layer{
				{Index: 0, DiffID: layer0, Digest: "sha256:aa11", Size: 29150000, CreatedBy: "/bin/sh -c #(nop) ADD file:6d3e9c in / "},
				{Index: 1, DiffID: "sha256:2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c", CreatedBy: "RUN apt-get install -y curl ca-certificates"},
				{Index: 2, DiffID: "sha256:3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d", CreatedBy: "COPY package.json package-lock.json /app/"},
				{Index: 3, DiffID: layer3, CreatedBy: "COPY api /usr/local/bin/api"},
			},
			Packages: []inventory.Package{
				{Name: "tar", Version: "1.34+dfsg-1.2", Ecosystem: "Debian", PURL: "pkg:deb/debian/tar@1.34%2Bdfsg-1.2?arch=amd64&distro=debian-12",
					Type: "deb", Source: &inventory.SourcePackage{Name: "tar", Version: "1.34+dfsg-1.2"}, Arch: "amd64",
					Licenses: []string{"GPL-3.0-or-later"}, Locations: dpkg, Cataloger: "dpkg"},
				{Name: "libcurl4", Version: "7.88.1-10", Ecosystem: "Debian", PURL: "pkg:deb/debian/libcurl4@7.88.1-10?arch=amd64&distro=debian-12",
					Type: "deb", Source: &inventory.SourcePackage{Name: "curl"}, Arch: "amd64",
					Licenses: []string{"curl", "BSD-3-Clause"}, Locations: dpkg, Cataloger: "dpkg"},
				{Name: "libc6", Version: "2.36-9", Ecosystem: "Debian", PURL: "pkg:deb/debian/libc6@2.36-9?arch=amd64&distro=debian-12",
					Type: "deb", Source: &inventory.SourcePackage{Name: "glibc"}, Arch: "amd64",
					Licenses: []string{"LGPL-2.1+", "GPL-2+"}, Locations: dpkg, Cataloger: "dpkg",
					Files: []string{"/lib/x86_64-linux-gnu/libc.so.6"}},
				{Name: "golang.org/x/text", Version: "v0.3.7", Ecosystem: "Go", PURL: "pkg:golang/golang.org/x/text@v0.3.7",
					Type: "go-module", Locations: gobin, Cataloger: "go-binary"},
				{Name: "stdlib", Version: "go1.21.4", Ecosystem: "Go", PURL: "pkg:golang/stdlib@go1.21.4",
					Type: "go-stdlib", Locations: gobin, Cataloger: "go-binary"},
				{Name: "express", Version: "4.18.2", Ecosystem: "npm", PURL: "pkg:npm/express@4.18.2", Type: "npm",
					Licenses: []string{"MIT"}, Cataloger: "npm-lockfile",
					Locations: []inventory.Location{
						{Path: "app/package-lock.json", Layer: "sha256:3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d", LayerIndex: 2},
						{Path: "app/node_modules/express/package.json", Layer: "sha256:3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d", LayerIndex: 2},
					}},
			},
		},
	}
}

func encode(t testing.TB, f Format, doc Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Encode(&buf, f, doc); err != nil {
		t.Fatalf("Encode %s: %v", f, err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	testutil.Golden(t, "image.cdx.json", encode(t, CycloneDX, fixture()))
	testutil.Golden(t, "image.spdx.json", encode(t, SPDX, fixture()))
	empty := Document{Target: finding.Target{Kind: "dir", Name: "."}, Created: fixture().Created}
	testutil.Golden(t, "empty.cdx.json", encode(t, CycloneDX, empty))
	testutil.Golden(t, "empty.spdx.json", encode(t, SPDX, empty))
}

func TestDeterministic(t *testing.T) {
	for _, f := range []Format{CycloneDX, SPDX} {
		doc := fixture()
		shuffled := fixture()
		p := shuffled.Inventory.Packages
		p[0], p[4], p[2] = p[4], p[2], p[0]
		if a, b := encode(t, f, doc), encode(t, f, shuffled); !bytes.Equal(a, b) {
			t.Errorf("%s: package order changes the output", f)
		}
	}
}

// TestRoundTrip decodes what Encode wrote: everything an SBOM carries comes
// back (owned file lists and unowned files are not part of an SBOM).
func TestRoundTrip(t *testing.T) {
	for _, f := range []Format{CycloneDX, SPDX} {
		t.Run(string(f), func(t *testing.T) {
			want := normalize(fixture())
			for i := range want.Inventory.Packages {
				want.Inventory.Packages[i].Files = nil
			}
			if f == SPDX {
				// Declared licenses that are not SPDX identifiers go to a
				// comment, not back into the model.
				for i := range want.Inventory.Packages {
					if want.Inventory.Packages[i].Name == "libc6" {
						want.Inventory.Packages[i].Licenses = nil
					}
				}
			}
			got, format, err := Decode(bytes.NewReader(encode(t, f, fixture())), "fixture")
			if err != nil {
				t.Fatal(err)
			}
			if format != f {
				t.Errorf("format = %s, want %s", format, f)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func schemaCompiler(t *testing.T) *jsonschema.Compiler {
	t.Helper()
	c := jsonschema.NewCompiler()
	for file, id := range map[string]string{
		"bom-1.6.schema.json":  "http://cyclonedx.org/schema/bom-1.6.schema.json",
		"spdx.schema.json":     "http://cyclonedx.org/schema/spdx.schema.json",
		"jsf-0.82.schema.json": "http://cyclonedx.org/schema/jsf-0.82.schema.json",
		"spdx-2.3.schema.json": "http://spdx.org/rdf/terms/2.3",
	} {
		f, err := os.Open(filepath.Join("testdata", "schemas", file))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if err := c.AddResource(id, doc); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func TestCycloneDXSchema(t *testing.T) {
	s, err := schemaCompiler(t).Compile("http://cyclonedx.org/schema/bom-1.6.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string]Document{"image": fixture(), "empty": {}} {
		out := encode(t, CycloneDX, doc)
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(v); err != nil {
			t.Errorf("%s: CycloneDX output does not validate against bom-1.6.schema.json:\n%v", name, err)
		}
	}
}

func TestSPDXSchema(t *testing.T) {
	s, err := schemaCompiler(t).Compile("http://spdx.org/rdf/terms/2.3")
	if err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string]Document{"image": fixture(), "empty": {}} {
		out := encode(t, SPDX, doc)
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(v); err != nil {
			t.Errorf("%s: SPDX output does not validate against the SPDX 2.3 schema:\n%v", name, err)
		}
	}
}

// TestSchemasReject proves the schema checks above can fail: a wrong enum
// value in otherwise good output is refused.
func TestSchemasReject(t *testing.T) {
	c := schemaCompiler(t)
	tests := []struct {
		format   Format
		schema   string
		from, to string
	}{
		{CycloneDX, "http://cyclonedx.org/schema/bom-1.6.schema.json", `"type": "library"`, `"type": "librarry"`},
		{SPDX, "http://spdx.org/rdf/terms/2.3", `"OPERATING_SYSTEM"`, `"OPERATING-SYSTEM"`},
	}
	for _, tt := range tests {
		s, err := c.Compile(tt.schema)
		if err != nil {
			t.Fatal(err)
		}
		out := bytes.Replace(encode(t, tt.format, fixture()), []byte(tt.from), []byte(tt.to), 1)
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Validate(v); err == nil {
			t.Errorf("%s schema accepts %s", tt.format, tt.to)
		}
	}
}
