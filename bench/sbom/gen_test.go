package main

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/sbom"
)

// TestGenerate writes a large CycloneDX SBOM for compare.sh when
// SBOM_BENCH_OUT names the file; otherwise it is skipped.
func TestGenerate(t *testing.T) {
	out := os.Getenv("SBOM_BENCH_OUT")
	if out == "" {
		t.Skip("SBOM_BENCH_OUT not set: only compare.sh generates the input")
	}
	doc := sbom.Document{
		Target:    finding.Target{Kind: "image", Name: "registry.example.com/big:1"},
		Created:   time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC),
		Inventory: inventory.Inventory{Distro: &inventory.Distro{ID: "debian", VersionID: "12"}},
	}
	for i := range 20000 {
		name := fmt.Sprintf("lib%05d", i)
		doc.Inventory.Packages = append(doc.Inventory.Packages, inventory.Package{
			Name: name, Version: "1.2.3-4", Ecosystem: "Debian", Type: "deb",
			PURL:      fmt.Sprintf("pkg:deb/debian/%s@1.2.3-4?arch=amd64&distro=debian-12", name),
			Licenses:  []string{"MIT"},
			Locations: []inventory.Location{{Path: "var/lib/dpkg/status", Layer: "sha256:1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b"}},
		})
	}
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := sbom.Encode(f, sbom.CycloneDX, doc); err != nil {
		t.Fatal(err)
	}
}
