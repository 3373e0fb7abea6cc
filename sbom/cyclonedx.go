package sbom

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/inventory"
)

// targetRef is the bom-ref of the SBOM's subject.
const targetRef = "sluice:target"

func encodeCycloneDX(w io.Writer, doc Document) error {
	bom := cdx.NewBOM()
	bom.SpecVersion = cdx.SpecVersion1_6
	bom.SerialNumber = "urn:uuid:" + uuidFrom(contentID(doc))
	bom.Version = 1
	bom.Metadata = &cdx.Metadata{
		Timestamp: doc.Created.Format(time.RFC3339),
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{{
			Type: cdx.ComponentTypeApplication, Name: doc.Tool.Name, Version: doc.Tool.Version,
		}}},
		Component: targetComponent(doc),
	}
	comps := []cdx.Component{}
	deps := []string{}
	if d := doc.Inventory.Distro; d != nil {
		c := cdx.Component{
			BOMRef: "sluice:os:" + d.ID + "@" + d.VersionID, Type: cdx.ComponentTypeOS,
			Name: d.ID, Version: d.VersionID, Description: d.Name,
		}
		if d.Codename != "" {
			c.Properties = &[]cdx.Property{{Name: "sluice:distro:codename", Value: d.Codename}}
		}
		comps = append(comps, c)
		deps = append(deps, c.BOMRef)
	}
	refs := map[string]int{}
	for _, p := range doc.Inventory.Packages {
		ref := p.PURL
		if ref == "" {
			ref = "sluice:pkg:" + p.Name + "@" + p.Version
		}
		if n := refs[ref]; n > 0 {
			refs[ref]++
			ref += "#" + strconv.Itoa(n)
		} else {
			refs[ref] = 1
		}
		c := cdx.Component{
			BOMRef: ref, Type: cdx.ComponentTypeLibrary, Name: p.Name, Version: p.Version, PackageURL: p.PURL,
		}
		if len(p.Licenses) > 0 {
			lic := make(cdx.Licenses, 0, len(p.Licenses))
			for _, l := range p.Licenses {
				// Names, not IDs: distro license fields are often not SPDX
				// identifiers, and the schema allows only those as "id".
				lic = append(lic, cdx.LicenseChoice{License: &cdx.License{Name: l}})
			}
			c.Licenses = &lic
		}
		if props := toCDXProps(packageProps(p)); len(props) > 0 {
			c.Properties = &props
		}
		// The standard place for where a component was found (1.5+), for
		// tools that do not read sluice's properties.
		var occ []cdx.EvidenceOccurrence
		for _, l := range p.Locations {
			if l.Path == "" {
				continue
			}
			o := cdx.EvidenceOccurrence{Location: l.Path}
			if l.Layer != "" {
				o.AdditionalContext = "image layer " + strconv.Itoa(l.LayerIndex) + " " + l.Layer
			}
			occ = append(occ, o)
		}
		if len(occ) > 0 {
			c.Evidence = &cdx.Evidence{Occurrences: &occ}
		}
		comps = append(comps, c)
		deps = append(deps, ref)
	}
	bom.Components = &comps
	bom.Dependencies = &[]cdx.Dependency{{Ref: targetRef, Dependencies: &deps}}
	var buf bytes.Buffer
	enc := cdx.NewBOMEncoder(&buf, cdx.BOMFileFormatJSON)
	enc.SetPretty(true).SetEscapeHTML(false)
	if err := enc.EncodeVersion(bom, cdx.SpecVersion1_6); err != nil {
		return fmt.Errorf("encode CycloneDX: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func targetComponent(doc Document) *cdx.Component {
	t := doc.Target
	typ := cdx.ComponentTypeApplication
	switch t.Kind {
	case "image":
		typ = cdx.ComponentTypeContainer
	case "sbom", "dockerfile", "manifest":
		typ = cdx.ComponentTypeFile
	}
	name := t.Name
	if name == "" {
		name = "unknown"
	}
	c := &cdx.Component{BOMRef: targetRef, Type: typ, Name: name, Version: t.Digest}
	if props := toCDXProps(layerProps(doc)); len(props) > 0 {
		c.Properties = &props
	}
	return c
}

func toCDXProps(kv [][2]string) []cdx.Property {
	out := make([]cdx.Property, 0, len(kv))
	for _, p := range kv {
		out = append(out, cdx.Property{Name: p[0], Value: p[1]})
	}
	return out
}

func decodeCycloneDX(b []byte) (Document, error) {
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(b), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		return Document{}, err
	}
	doc := Document{Inventory: inventory.Inventory{Packages: []inventory.Package{}}}
	if md := bom.Metadata; md != nil {
		if ts, err := time.Parse(time.RFC3339, md.Timestamp); err == nil {
			doc.Created = ts
		}
		if md.Tools != nil {
			if md.Tools.Components != nil && len(*md.Tools.Components) > 0 {
				t := (*md.Tools.Components)[0]
				doc.Tool = finding.Tool{Name: t.Name, Version: t.Version}
			} else if md.Tools.Tools != nil && len(*md.Tools.Tools) > 0 {
				t := (*md.Tools.Tools)[0]
				doc.Tool = finding.Tool{Name: t.Name, Version: t.Version}
			}
		}
		if c := md.Component; c != nil {
			doc.Target = finding.Target{Name: c.Name, Kind: cdxTargetKind(c.Type)}
			if strings.HasPrefix(c.Version, "sha256:") {
				doc.Target.Digest = c.Version
			}
			lr := layerReader{}
			if c.Properties != nil {
				for _, p := range *c.Properties {
					switch p.Name {
					case "sluice:target:kind":
						doc.Target.Kind = p.Value
					case "aquasecurity:trivy:RepoDigest":
						if _, d, ok := strings.Cut(p.Value, "@"); ok && doc.Target.Digest == "" {
							doc.Target.Digest = d
						}
					default:
						lr.add(p.Name, p.Value)
					}
				}
			}
			doc.Inventory.Layers = lr.layers()
		}
	}
	count := safeio.Counter{What: "SBOM components", Max: safeio.MaxEntries}
	var qualifierDistro *inventory.Distro
	var walk func(cs *[]cdx.Component) error
	walk = func(cs *[]cdx.Component) error {
		if cs == nil {
			return nil
		}
		for i := range *cs {
			c := &(*cs)[i]
			if err := count.Inc(); err != nil {
				return err
			}
			switch c.Type {
			case cdx.ComponentTypeOS:
				if doc.Inventory.Distro == nil {
					d := &inventory.Distro{ID: strings.ToLower(c.Name), VersionID: c.Version, Name: c.Description}
					if c.Properties != nil {
						for _, p := range *c.Properties {
							if p.Name == "sluice:distro:codename" {
								d.Codename = p.Value
							}
						}
					}
					doc.Inventory.Distro = d
				}
			case cdx.ComponentTypeContainer, cdx.ComponentTypeFile, cdx.ComponentTypeData,
				cdx.ComponentTypeMachineLearningModel, cdx.ComponentTypeDevice, cdx.ComponentTypeCryptographicAsset:
				// Not packages: trivy's "application" is kept below only when
				// it has a purl, syft's files are skipped here.
			default:
				if c.PackageURL == "" && (c.Type == cdx.ComponentTypeApplication || c.Version == "") {
					break // trivy's lockfile or binary grouping, not a package
				}
				p := inventory.Package{Name: c.Name, Version: c.Version, PURL: c.PackageURL}
				if c.Group != "" && !strings.Contains(c.PackageURL, "pkg:") {
					p.Name = c.Group + "/" + c.Name
				}
				pr := newPropReader(&p)
				if c.Properties != nil {
					for _, prop := range *c.Properties {
						pr.add(prop.Name, prop.Value)
					}
				}
				pr.finish()
				if len(p.Locations) == 0 && c.Evidence != nil && c.Evidence.Occurrences != nil {
					for _, o := range *c.Evidence.Occurrences {
						if o.Location != "" {
							p.Locations = append(p.Locations, inventory.Location{Path: strings.TrimPrefix(o.Location, "/")})
						}
					}
				}
				if d := fromPURL(&p, c.PackageURL); d != nil && qualifierDistro == nil {
					qualifierDistro = d
				}
				if c.Licenses != nil {
					for _, l := range *c.Licenses {
						switch {
						case l.License != nil && l.License.ID != "":
							p.Licenses = append(p.Licenses, l.License.ID)
						case l.License != nil && l.License.Name != "":
							p.Licenses = append(p.Licenses, l.License.Name)
						case l.Expression != "":
							p.Licenses = append(p.Licenses, l.Expression)
						}
					}
				}
				doc.Inventory.Packages = append(doc.Inventory.Packages, p)
			}
			if err := walk(c.Components); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(bom.Components); err != nil {
		return Document{}, err
	}
	if doc.Inventory.Distro == nil {
		doc.Inventory.Distro = qualifierDistro
	}
	return doc, nil
}

func cdxTargetKind(t cdx.ComponentType) string {
	switch t {
	case cdx.ComponentTypeContainer:
		return "image"
	case cdx.ComponentTypeFile:
		return "file"
	}
	return "dir"
}
