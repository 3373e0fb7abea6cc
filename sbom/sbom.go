// Package sbom encodes an inventory.Inventory as a CycloneDX 1.6 or SPDX 2.3
// JSON software bill of materials, and decodes either format back into an
// Inventory, so a saved SBOM can be scanned like an image (`sluice scan
// sbom:FILE`).
//
// The API is two calls:
//
//	err := sbom.Encode(w, sbom.CycloneDX, doc)   // or sbom.SPDX
//	doc, format, err := sbom.Decode(r, "app.cdx.json")
//
// Encoding is deterministic: packages are sorted, identifiers (bom-refs,
// SPDX IDs, the serial number and document namespace) are derived from the
// content, and the creation time is Document.Created.
//
// What a plain SBOM has no field for is kept in sluice-named properties:
// CycloneDX component properties and SPDX annotations named "sluice:…"
// carry each package's type, ecosystem, cataloger, architecture, source
// package and locations with their image layer (sluice:location:N:path,
// sluice:location:N:layer:diffID, sluice:location:N:layer:index), and the
// target's layers (sluice:layer:N:diffID, …). Decode reads them back, and
// also reads SBOMs written by syft and trivy: the ecosystem and package type
// come from the package URL, the distro from its "distro" qualifier or the
// operating-system component, locations and source packages from syft's
// and trivy's own properties and annotations.
//
// Inputs are bounded (MaxSize bytes, safeio.MaxDepth nesting,
// safeio.MaxEntries components); a bad file is an error naming it, never a
// panic.
package sbom

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/inventory"
)

// Format is an SBOM format.
type Format string

// The formats Encode writes and Decode reads (JSON encodings only).
const (
	CycloneDX Format = "cyclonedx" // CycloneDX 1.6 JSON (https://cyclonedx.org/docs/1.6/json/)
	SPDX      Format = "spdx"      // SPDX 2.3 JSON (https://spdx.github.io/spdx-spec/v2.3/)
)

// MaxSize bounds an SBOM read by Decode.
const MaxSize = safeio.MaxPackageDB

// Document is an inventory with what an SBOM says about its subject.
type Document struct {
	// Target is what the SBOM describes: kind (image, dir, ...), name and
	// digest.
	Target finding.Target
	// Tool made the SBOM. Encode writes it as the creator (an empty name
	// means sluice); Decode reads the first tool named in the file.
	Tool finding.Tool
	// Created is when the SBOM was made; Encode uses now when it is zero.
	Created time.Time
	// Inventory is the distro, packages and layers.
	Inventory inventory.Inventory
}

// Encode writes doc in format f as indented JSON.
func Encode(w io.Writer, f Format, doc Document) error {
	doc = normalize(doc)
	switch f {
	case CycloneDX:
		return encodeCycloneDX(w, doc)
	case SPDX:
		return encodeSPDX(w, doc)
	}
	return fmt.Errorf("unknown SBOM format %q (want cyclonedx or spdx)", f)
}

// Decode reads a CycloneDX or SPDX JSON SBOM, telling which from its
// content. name is used in errors only.
func Decode(r io.Reader, name string) (Document, Format, error) {
	return decode(r, name, MaxSize)
}

func decode(r io.Reader, name string, max int64) (Document, Format, error) {
	b, err := safeio.ReadAll(r, max, "SBOM size")
	if err != nil {
		return Document{}, "", fmt.Errorf("read SBOM %s: %w", name, err)
	}
	if err := safeio.CheckJSONDepth(b, safeio.MaxDepth); err != nil {
		return Document{}, "", fmt.Errorf("read SBOM %s: %w", name, err)
	}
	var head struct {
		BOMFormat   string `json:"bomFormat"`
		SPDXVersion string `json:"spdxVersion"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return Document{}, "", fmt.Errorf("read SBOM %s: not JSON: %w", name, err)
	}
	var doc Document
	var f Format
	switch {
	case head.BOMFormat == "CycloneDX":
		f = CycloneDX
		doc, err = decodeCycloneDX(b)
	case head.SPDXVersion != "":
		f = SPDX
		doc, err = decodeSPDX(b)
	default:
		return Document{}, "", fmt.Errorf("read SBOM %s: neither CycloneDX (no \"bomFormat\") nor SPDX (no \"spdxVersion\") JSON", name)
	}
	if err != nil {
		return Document{}, "", fmt.Errorf("read %s SBOM %s: %w", f, name, err)
	}
	return doc, f, nil
}

// normalize copies doc with packages sorted and per-package slices
// ordered, so equal inventories encode to equal bytes.
func normalize(doc Document) Document {
	inv := doc.Inventory
	inv.Packages = slices.Clone(inv.Packages)
	slices.SortStableFunc(inv.Packages, func(a, b inventory.Package) int {
		return cmp.Or(cmp.Compare(a.Ecosystem, b.Ecosystem), cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.Version, b.Version), cmp.Compare(a.PURL, b.PURL), cmp.Compare(firstPath(a), firstPath(b)))
	})
	inv.Layers = slices.Clone(inv.Layers)
	slices.SortStableFunc(inv.Layers, func(a, b inventory.Layer) int { return cmp.Compare(a.Index, b.Index) })
	doc.Inventory = inv
	if doc.Created.IsZero() {
		doc.Created = time.Now()
	}
	doc.Created = doc.Created.UTC().Truncate(time.Second)
	if doc.Tool.Name == "" {
		doc.Tool.Name = "sluice"
	}
	return doc
}

func firstPath(p inventory.Package) string {
	if len(p.Locations) == 0 {
		return ""
	}
	return p.Locations[0].Path
}

// contentID is a stable identifier of a document's content, for serial
// numbers and namespaces that must be unique per distinct SBOM.
func contentID(doc Document) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00", doc.Target.Kind, doc.Target.Name, doc.Target.Digest, doc.Created.Format(time.RFC3339))
	for _, p := range doc.Inventory.Packages {
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00", p.Name, p.Version, p.PURL, firstPath(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// uuidFrom formats the first 16 bytes of a hex digest as a version 5
// style UUID.
func uuidFrom(hexDigest string) string {
	b, _ := hex.DecodeString(hexDigest[:32])
	b[6] = (b[6] & 0x0f) | 0x50
	b[8] = (b[8] & 0x3f) | 0x80
	s := hex.EncodeToString(b)
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32]
}

// packageProps are the sluice:… properties of a package, in a fixed order.
func packageProps(p inventory.Package) [][2]string {
	var props [][2]string
	add := func(k, v string) {
		if v != "" {
			props = append(props, [2]string{k, v})
		}
	}
	add("sluice:package:type", p.Type)
	add("sluice:package:ecosystem", p.Ecosystem)
	add("sluice:package:cataloger", p.Cataloger)
	add("sluice:package:arch", p.Arch)
	if p.Source != nil {
		add("sluice:package:source:name", p.Source.Name)
		add("sluice:package:source:version", p.Source.Version)
	}
	for i, l := range p.Locations {
		n := "sluice:location:" + strconv.Itoa(i) + ":"
		add(n+"path", l.Path)
		add(n+"layer:diffID", l.Layer)
		if l.Layer != "" {
			add(n+"layer:index", strconv.Itoa(l.LayerIndex))
		}
	}
	return props
}

// layerProps are the sluice:layer:… properties of the target.
func layerProps(doc Document) [][2]string {
	var props [][2]string
	if doc.Target.Kind != "" {
		props = append(props, [2]string{"sluice:target:kind", doc.Target.Kind})
	}
	for _, l := range doc.Inventory.Layers {
		n := "sluice:layer:" + strconv.Itoa(l.Index) + ":"
		props = append(props, [2]string{n + "diffID", l.DiffID})
		if l.Digest != "" {
			props = append(props, [2]string{n + "digest", l.Digest})
		}
		if l.Size > 0 {
			props = append(props, [2]string{n + "size", strconv.FormatInt(l.Size, 10)})
		}
		if l.CreatedBy != "" {
			props = append(props, [2]string{n + "createdBy", l.CreatedBy})
		}
	}
	return props
}

// propReader rebuilds a package from properties read back in any order:
// sluice's own, syft's and trivy's.
type propReader struct {
	pkg       *inventory.Package
	locs      map[int]*inventory.Location
	trivyPath string
	trivyDiff string
}

func newPropReader(p *inventory.Package) *propReader {
	return &propReader{pkg: p, locs: map[int]*inventory.Location{}}
}

func (pr *propReader) loc(i int) *inventory.Location {
	l, ok := pr.locs[i]
	if !ok {
		l = &inventory.Location{}
		pr.locs[i] = l
	}
	return l
}

func (pr *propReader) source() *inventory.SourcePackage {
	if pr.pkg.Source == nil {
		pr.pkg.Source = &inventory.SourcePackage{}
	}
	return pr.pkg.Source
}

// add applies one name/value property.
func (pr *propReader) add(name, value string) {
	p := pr.pkg
	switch name {
	case "sluice:package:type":
		p.Type = value
	case "sluice:package:ecosystem":
		p.Ecosystem = value
	case "sluice:package:cataloger":
		p.Cataloger = value
	case "sluice:package:arch":
		p.Arch = value
	case "sluice:package:source:name", "aquasecurity:trivy:SrcName", "SrcName":
		pr.source().Name = value
	case "sluice:package:source:version", "aquasecurity:trivy:SrcVersion", "SrcVersion":
		pr.source().Version = value
	case "syft:package:foundBy":
		if p.Cataloger == "" {
			p.Cataloger = value
		}
	case "aquasecurity:trivy:FilePath", "FilePath":
		pr.trivyPath = strings.TrimPrefix(value, "/")
	case "aquasecurity:trivy:LayerDiffID", "LayerDiffID":
		pr.trivyDiff = value
	default:
		// sluice:location:N:path, sluice:location:N:layer:diffID,
		// sluice:location:N:layer:index, syft:location:N:path,
		// syft:location:N:layerID.
		for _, prefix := range []string{"sluice:location:", "syft:location:"} {
			rest, ok := strings.CutPrefix(name, prefix)
			if !ok {
				continue
			}
			num, field, ok := strings.Cut(rest, ":")
			i, err := strconv.Atoi(num)
			if !ok || err != nil || i < 0 || i > safeio.MaxEntries {
				return
			}
			switch field {
			case "path":
				// syft writes absolute in-image paths; ours are root-relative.
				pr.loc(i).Path = strings.TrimPrefix(value, "/")
			case "layer:diffID", "layerID":
				pr.loc(i).Layer = value
			case "layer:index":
				if n, err := strconv.Atoi(value); err == nil && n >= 0 {
					pr.loc(i).LayerIndex = n
				}
			}
		}
	}
}

// finish stores the locations in index order.
func (pr *propReader) finish() {
	keys := make([]int, 0, len(pr.locs))
	for k := range pr.locs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if l := pr.locs[k]; l.Path != "" || l.Layer != "" {
			pr.pkg.Locations = append(pr.pkg.Locations, *l)
		}
	}
	if len(pr.pkg.Locations) == 0 && (pr.trivyPath != "" || pr.trivyDiff != "") {
		pr.pkg.Locations = []inventory.Location{{Path: pr.trivyPath, Layer: pr.trivyDiff}}
	}
	if pr.pkg.Source != nil && pr.pkg.Source.Name == "" {
		pr.pkg.Source = nil
	}
	if pr.pkg.Locations == nil {
		pr.pkg.Locations = []inventory.Location{}
	}
}

// layerReader rebuilds the target's layers from sluice:layer:N:… properties.
type layerReader map[int]*inventory.Layer

func (lr layerReader) add(name, value string) {
	rest, ok := strings.CutPrefix(name, "sluice:layer:")
	if !ok {
		return
	}
	num, field, ok := strings.Cut(rest, ":")
	i, err := strconv.Atoi(num)
	if !ok || err != nil || i < 0 || i > safeio.MaxEntries {
		return
	}
	l, ok := lr[i]
	if !ok {
		l = &inventory.Layer{Index: i}
		lr[i] = l
	}
	switch field {
	case "diffID":
		l.DiffID = value
	case "digest":
		l.Digest = value
	case "size":
		l.Size, _ = strconv.ParseInt(value, 10, 64)
	case "createdBy":
		l.CreatedBy = value
	}
}

func (lr layerReader) layers() []inventory.Layer {
	var out []inventory.Layer
	for _, l := range lr {
		out = append(out, *l)
	}
	slices.SortFunc(out, func(a, b inventory.Layer) int { return cmp.Compare(a.Index, b.Index) })
	return out
}

// toolString is "name-version" as SPDX creators and CycloneDX tools show it.
func toolString(t finding.Tool) string {
	if t.Version == "" {
		return t.Name
	}
	return t.Name + "-" + t.Version
}
