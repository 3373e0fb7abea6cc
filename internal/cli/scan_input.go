package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/image"
	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/sbom"
)

// inventoryScheme names a sluice inventory JSON (sluice sbom -f json) as a
// scan target; image.ParseTarget knows the other schemes.
const inventoryScheme = "inventory:"

// scanInput is the inventory scan and explain match: an SBOM or inventory
// file as written, or an image or directory cataloged by analyzeTarget. The
// notes tell how the target was read.
func (a *app) scanInput(ctx context.Context, target string, img *imageFlags) (inventory.Inventory, finding.Target, []finding.Note, error) {
	if path, ok := strings.CutPrefix(target, inventoryScheme); ok {
		inv, t, err := readInventoryFile(target, path)
		return inv, t, nil, err
	}
	// A target that does not parse is reported by analyzeTarget, which
	// parses it the same way.
	if t, err := image.ParseTarget(target); err == nil && t.Kind == image.KindSBOM {
		inv, t, err := readInventoryFile(target, t.Path)
		return inv, t, nil, err
	}
	ta, err := a.analyzeTarget(ctx, target, img, analysisRequest{Packages: true})
	if err != nil {
		return inventory.Inventory{}, finding.Target{}, nil, err
	}
	return ta.Inventory, ta.Target, ta.Notes, nil
}

// readInventoryFile reads a CycloneDX or SPDX JSON SBOM from any tool, or
// a sluice inventory JSON, from path; name is the target as given.
func readInventoryFile(name, path string) (inventory.Inventory, finding.Target, error) {
	f, err := os.Open(path)
	if err != nil {
		return inventory.Inventory{}, finding.Target{}, usageErrorf("scan: %v", err)
	}
	defer f.Close()
	data, err := safeio.ReadAll(f, sbom.MaxSize, path)
	if err != nil {
		return inventory.Inventory{}, finding.Target{}, usageErrorf("scan %s: %v", path, err)
	}
	inv, t, err := decodeInventory(path, data)
	t.Name = name
	return inv, t, err
}

// decodeInventory tells an SBOM (decoded by the sbom package) from a sluice
// inventory. The target it returns has the kind (sbom or inventory) and,
// for an SBOM, the digest of the image it describes.
func decodeInventory(path string, data []byte) (inventory.Inventory, finding.Target, error) {
	var probe struct {
		BOMFormat   string          `json:"bomFormat"`
		SPDXVersion string          `json:"spdxVersion"`
		Packages    json.RawMessage `json:"packages"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return inventory.Inventory{}, finding.Target{}, usageErrorf("scan %s: not JSON: %v", path, err)
	}
	switch {
	case probe.BOMFormat != "" || probe.SPDXVersion != "":
		doc, _, err := sbom.Decode(bytes.NewReader(data), path)
		if err != nil {
			return inventory.Inventory{}, finding.Target{}, usageErrorf("scan: %v", err)
		}
		return doc.Inventory, finding.Target{Kind: image.KindSBOM, Digest: doc.Target.Digest}, nil
	case probe.Packages != nil:
		var doc struct {
			inventory.Inventory
			Target finding.Target `json:"target"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			return inventory.Inventory{}, finding.Target{}, usageErrorf("scan %s: sluice inventory: %v", path, err)
		}
		return doc.Inventory, finding.Target{Kind: "inventory", Digest: doc.Target.Digest}, nil
	}
	return inventory.Inventory{}, finding.Target{}, usageErrorf("scan %s: neither CycloneDX, SPDX nor a sluice inventory (no bomFormat, spdxVersion or packages)", path)
}
