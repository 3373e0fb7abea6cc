package sbom

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/inventory"
)

// TestDecodeThirdParty reads SBOMs in the shapes syft and trivy write:
// ecosystems from package URLs, the distro from the OS component or the purl
// "distro" qualifier, locations and source packages from their properties
// and annotations, and no packages made of files or binaries.
func TestDecodeThirdParty(t *testing.T) {
	const (
		alpineLayer = "sha256:d4fc045c9e3a848011de66f34b81f052d4f2c15a17bb196d637e526349601820"
		goLayer     = "sha256:7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f"
		alpineImage = "sha256:6457d53fb065d6f250e1504b9bc42d5b6c65941d57532c072d929dd0628977d0"
	)
	busybox := func(licenses []string) []inventory.Package {
		return []inventory.Package{
			{Name: "busybox", Version: "1.36.1-r15", Ecosystem: "Alpine", Type: "apk", Arch: "x86_64",
				PURL:   "pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64&distro=3.19.1",
				Source: &inventory.SourcePackage{Name: "busybox", Version: "1.36.1-r15"}, Licenses: licenses,
				Locations: []inventory.Location{{Layer: alpineLayer}}},
		}
	}
	tests := []struct {
		file       string
		wantFormat Format
		want       Document
	}{
		{
			file: "syft-debian.cdx.json", wantFormat: CycloneDX,
			want: Document{
				Target:  finding.Target{Kind: "image", Name: "registry.example.com/shop/api", Digest: "sha256:9b2a5c3f0e8d4a1b7c6e5f4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b"},
				Tool:    finding.Tool{Name: "syft", Version: "1.18.1"},
				Created: time.Date(2026, 11, 20, 14, 3, 11, 0, time.UTC),
				Inventory: inventory.Inventory{
					Distro: &inventory.Distro{ID: "debian", VersionID: "12", Name: "Debian GNU/Linux 12 (bookworm)"},
					Packages: []inventory.Package{
						{Name: "libc6", Version: "2.36-9", Ecosystem: "Debian", Type: "deb", Arch: "amd64", Cataloger: "dpkg-db-cataloger",
							PURL:     "pkg:deb/debian/libc6@2.36-9?arch=amd64&upstream=glibc&distro=debian-12",
							Source:   &inventory.SourcePackage{Name: "glibc"},
							Licenses: []string{"GPL-2.0-only", "LGPL-2.1+"},
							Locations: []inventory.Location{
								{Path: "var/lib/dpkg/status", Layer: layer0},
								{Path: "usr/share/doc/libc6/copyright", Layer: layer0},
							}},
						{Name: "libcurl4", Version: "7.88.1-10", Ecosystem: "Debian", Type: "deb", Arch: "amd64", Cataloger: "dpkg-db-cataloger",
							PURL:      "pkg:deb/debian/libcurl4@7.88.1-10?arch=amd64&upstream=curl&distro=debian-12",
							Source:    &inventory.SourcePackage{Name: "curl"},
							Locations: []inventory.Location{{Path: "var/lib/dpkg/status", Layer: "sha256:2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c"}}},
						{Name: "golang.org/x/text", Version: "v0.3.7", Ecosystem: "Go", Type: "go-module", Cataloger: "go-module-binary-cataloger",
							PURL:      "pkg:golang/golang.org/x/text@v0.3.7",
							Locations: []inventory.Location{{Path: "usr/local/bin/api", Layer: layer3}}},
					},
				},
			},
		},
		{
			file: "trivy-alpine.spdx.json", wantFormat: SPDX,
			want: Document{
				Target:  finding.Target{Kind: "image", Name: "alpine:3.19.1", Digest: alpineImage},
				Tool:    finding.Tool{Name: "trivy", Version: "0.58.0"},
				Created: time.Date(2026, 11, 20, 14, 5, 42, 0, time.UTC),
				Inventory: inventory.Inventory{
					Distro: &inventory.Distro{ID: "alpine", VersionID: "3.19.1"},
					Packages: append(busybox([]string{"GPL-2.0-only"}),
						inventory.Package{Name: "ssl_client", Version: "1.36.1-r15", Ecosystem: "Alpine", Type: "apk", Arch: "x86_64",
							PURL:   "pkg:apk/alpine/ssl_client@1.36.1-r15?arch=x86_64&distro=3.19.1",
							Source: &inventory.SourcePackage{Name: "busybox", Version: "1.36.1-r15"}, Licenses: []string{"GPL-2.0-only"},
							Locations: []inventory.Location{{Layer: alpineLayer}}},
						inventory.Package{Name: "golang.org/x/net", Version: "v0.17.0", Ecosystem: "Go", Type: "go-module",
							PURL: "pkg:golang/golang.org/x/net@v0.17.0", Locations: []inventory.Location{{Layer: goLayer}}},
					),
				},
			},
		},
		{
			file: "trivy-alpine.cdx.json", wantFormat: CycloneDX,
			want: Document{
				Target:  finding.Target{Kind: "image", Name: "alpine:3.19.1", Digest: alpineImage},
				Tool:    finding.Tool{Name: "trivy", Version: "0.58.0"},
				Created: time.Date(2026, 11, 20, 14, 5, 42, 0, time.UTC),
				Inventory: inventory.Inventory{
					Distro: &inventory.Distro{ID: "alpine", VersionID: "3.19.1"},
					Packages: append(busybox([]string{"GPL-2.0-only"}),
						inventory.Package{Name: "golang.org/x/net", Version: "v0.17.0", Ecosystem: "Go", Type: "go-module",
							PURL: "pkg:golang/golang.org/x/net@v0.17.0", Locations: []inventory.Location{{Path: "usr/local/bin/api", Layer: goLayer}}},
					),
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, format, err := Decode(f, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if format != tt.wantFormat {
				t.Errorf("format = %s, want %s", format, tt.wantFormat)
			}
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
				t.Errorf("Decode (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"not json", `<bom/>`, "not JSON"},
		{"neither", `{"packages": []}`, "neither CycloneDX"},
		{"bad cyclonedx", `{"bomFormat": "CycloneDX", "components": {}}`, "read cyclonedx SBOM in.json"},
		{"bad spdx", `{"spdxVersion": "SPDX-9.9"}`, "read spdx SBOM in.json"},
		{"too deep", `{"bomFormat":"CycloneDX","x":` + strings.Repeat("[", 200) + strings.Repeat("]", 200) + `}`, "nesting depth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Decode(strings.NewReader(tt.in), "in.json")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Decode error = %v, want it to contain %q", err, tt.want)
			}
			if !strings.Contains(err.Error(), "in.json") {
				t.Errorf("error %v does not name the file", err)
			}
		})
	}
	_, _, err := decode(strings.NewReader(`{"bomFormat":"CycloneDX","x":"`+strings.Repeat("a", 2048)+`"}`), "big.json", 1024)
	if !errors.Is(err, safeio.ErrLimit) {
		t.Errorf("oversized SBOM: error = %v, want a limit error", err)
	}
}

// FuzzDecodeCycloneDX and FuzzDecodeSPDX feed arbitrary bytes to the
// decoders (bounded to 1 MiB): no panic, and whatever decodes re-encodes.
func FuzzDecodeCycloneDX(f *testing.F) {
	fuzzDecode(f, CycloneDX, "syft-debian.cdx.json", "trivy-alpine.cdx.json")
}

func FuzzDecodeSPDX(f *testing.F) { fuzzDecode(f, SPDX, "trivy-alpine.spdx.json") }

func fuzzDecode(f *testing.F, format Format, seeds ...string) {
	for _, s := range seeds {
		b, err := os.ReadFile(filepath.Join("testdata", s))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	var buf bytes.Buffer
	if err := Encode(&buf, format, fixture()); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, in []byte) {
		doc, _, err := decode(bytes.NewReader(in), "fuzz.json", 1<<20)
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := Encode(&out, format, doc); err != nil {
			t.Fatalf("decoded document does not encode: %v", err)
		}
	})
}

// TestDecodeOccurrences reads locations from CycloneDX evidence when a
// component has no location properties (cdxgen, cyclonedx-gomod).
func TestDecodeOccurrences(t *testing.T) {
	in := `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"lodash","version":"4.17.20",
		"purl":"pkg:npm/lodash@4.17.20","evidence":{"occurrences":[{"location":"/app/node_modules/lodash/package.json"}]}}]}`
	doc, _, err := Decode(strings.NewReader(in), "cdxgen.json")
	if err != nil {
		t.Fatal(err)
	}
	want := []inventory.Package{{Name: "lodash", Version: "4.17.20", Ecosystem: "npm", Type: "npm", PURL: "pkg:npm/lodash@4.17.20",
		Locations: []inventory.Location{{Path: "app/node_modules/lodash/package.json"}}}}
	if diff := cmp.Diff(want, doc.Inventory.Packages); diff != "" {
		t.Errorf("packages (-want +got):\n%s", diff)
	}
}
