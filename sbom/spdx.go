package sbom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/package-url/packageurl-go"
	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx/v2/common"
	spdx "github.com/spdx/tools-golang/spdx/v2/v2_3"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/inventory"
)

const (
	noAssertion   = "NOASSERTION"
	spdxTargetID  = common.ElementID("Target")
	spdxDistroID  = common.ElementID("OperatingSystem")
	spdxNamespace = "https://sluice.dev/spdxdocs/"
)

// spdxLicenseID matches a single SPDX license identifier or LicenseRef.
var spdxLicenseID = regexp.MustCompile(`^(LicenseRef-)?[A-Za-z0-9][A-Za-z0-9.+-]*$`)

// spdxName keeps characters that are safe in a namespace URI path segment.
var spdxName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func encodeSPDX(w io.Writer, doc Document) error {
	created := doc.Created.Format(time.RFC3339)
	annotator := common.Annotator{Annotator: toolString(doc.Tool), AnnotatorType: "Tool"}
	annotate := func(kv [][2]string) []spdx.Annotation {
		var out []spdx.Annotation
		for _, p := range kv {
			out = append(out, spdx.Annotation{
				Annotator: annotator, AnnotationDate: created, AnnotationType: "OTHER",
				AnnotationComment: p[0] + "=" + p[1],
			})
		}
		return out
	}
	name := doc.Target.Name
	if name == "" {
		name = "unknown"
	}
	target := &spdx.Package{
		PackageName: name, PackageSPDXIdentifier: spdxTargetID, PackageDownloadLocation: noAssertion,
		FilesAnalyzed: false, IsFilesAnalyzedTagPresent: true,
		PackageLicenseConcluded: noAssertion, PackageLicenseDeclared: noAssertion, PackageCopyrightText: noAssertion,
		PrimaryPackagePurpose: spdxPurpose(doc.Target.Kind),
		Annotations:           annotate(layerProps(doc)),
	}
	if d := doc.Target.Digest; d != "" {
		target.PackageVersion = d
		if alg, hexv, ok := strings.Cut(d, ":"); ok && alg == "sha256" {
			target.PackageChecksums = []common.Checksum{{Algorithm: common.SHA256, Value: hexv}}
		}
	}
	pkgs := []*spdx.Package{target}
	rels := []*spdx.Relationship{{
		RefA:         common.DocElementID{ElementRefID: "DOCUMENT"},
		RefB:         common.DocElementID{ElementRefID: spdxTargetID},
		Relationship: common.TypeRelationshipDescribe,
	}}
	contains := func(id common.ElementID) {
		rels = append(rels, &spdx.Relationship{
			RefA: common.DocElementID{ElementRefID: spdxTargetID}, RefB: common.DocElementID{ElementRefID: id},
			Relationship: common.TypeRelationshipContains,
		})
	}
	if d := doc.Inventory.Distro; d != nil {
		p := &spdx.Package{
			PackageName: d.ID, PackageSPDXIdentifier: spdxDistroID, PackageVersion: d.VersionID,
			PackageDescription: d.Name, PackageDownloadLocation: noAssertion,
			FilesAnalyzed: false, IsFilesAnalyzedTagPresent: true,
			PackageLicenseConcluded: noAssertion, PackageLicenseDeclared: noAssertion, PackageCopyrightText: noAssertion,
			// The SPDX 2.3 JSON schema spells it with "_" (the spec's
			// tag-value form, which syft and trivy also write in JSON, uses
			// "-"); Decode accepts both.
			PrimaryPackagePurpose: "OPERATING_SYSTEM",
		}
		if d.Codename != "" {
			p.Annotations = annotate([][2]string{{"sluice:distro:codename", d.Codename}})
		}
		pkgs = append(pkgs, p)
		contains(spdxDistroID)
	}
	for i, ip := range doc.Inventory.Packages {
		id := common.ElementID("Package-" + strconv.Itoa(i+1))
		p := &spdx.Package{
			PackageName: ip.Name, PackageSPDXIdentifier: id, PackageVersion: ip.Version,
			PackageDownloadLocation: noAssertion, FilesAnalyzed: false, IsFilesAnalyzedTagPresent: true,
			PackageLicenseConcluded: noAssertion, PackageLicenseDeclared: spdxLicense(ip.Licenses),
			PackageCopyrightText: noAssertion, PrimaryPackagePurpose: "LIBRARY",
			Annotations: annotate(packageProps(ip)),
		}
		if p.PackageName == "" {
			p.PackageName = noAssertion
		}
		if p.PackageLicenseDeclared == noAssertion && len(ip.Licenses) > 0 {
			p.PackageLicenseComments = "declared: " + strings.Join(ip.Licenses, ", ")
		}
		if ip.PURL != "" {
			p.PackageExternalReferences = []*spdx.PackageExternalReference{{
				Category: common.CategoryPackageManager, RefType: common.TypePackageManagerPURL, Locator: ip.PURL,
			}}
		}
		pkgs = append(pkgs, p)
		contains(id)
	}
	sd := &spdx.Document{
		SPDXVersion:       spdx.Version,
		DataLicense:       spdx.DataLicense,
		SPDXIdentifier:    "DOCUMENT",
		DocumentName:      name,
		DocumentNamespace: spdxNamespace + strings.Trim(spdxName.ReplaceAllString(name, "-"), "-") + "-" + uuidFrom(contentID(doc)),
		CreationInfo: &spdx.CreationInfo{
			Creators: []common.Creator{{Creator: toolString(doc.Tool), CreatorType: "Tool"}},
			Created:  created,
		},
		Packages:      pkgs,
		Relationships: rels,
	}
	var buf bytes.Buffer
	if err := spdxjson.Write(sd, &buf, spdxjson.Indent("  "), spdxjson.EscapeHTML(false)); err != nil {
		return fmt.Errorf("encode SPDX: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func spdxPurpose(kind string) string {
	switch kind {
	case "image":
		return "CONTAINER"
	case "dir", "git":
		return "SOURCE"
	}
	return "FILE"
}

// spdxLicense joins license identifiers into an SPDX expression, or says
// NOASSERTION when any is not an identifier (dpkg's "GPL-2+" style names
// go to the license comment instead).
func spdxLicense(ls []string) string {
	if len(ls) == 0 {
		return noAssertion
	}
	for _, l := range ls {
		if !spdxLicenseID.MatchString(l) || strings.HasSuffix(l, "+") && !strings.HasSuffix(l, "-or-later") {
			return noAssertion
		}
	}
	if len(ls) == 1 {
		return ls[0]
	}
	return strings.Join(ls, " AND ")
}

func decodeSPDX(b []byte) (Document, error) {
	// SPDX 2.3 decodes straight into the model; older versions go through
	// tools-golang's reader, which converts them (and parses twice).
	sd := &spdx.Document{}
	var err error
	var head struct {
		SPDXVersion string `json:"spdxVersion"`
	}
	if json.Unmarshal(b, &head) == nil && head.SPDXVersion == spdx.Version {
		err = json.Unmarshal(b, sd)
	} else {
		sd, err = spdxjson.Read(bytes.NewReader(b))
	}
	if err != nil {
		return Document{}, err
	}
	doc := Document{Inventory: inventory.Inventory{Packages: []inventory.Package{}}}
	described := map[common.ElementID]bool{}
	for _, r := range sd.Relationships {
		if r == nil {
			continue
		}
		if r.Relationship == common.TypeRelationshipDescribe && r.RefA.ElementRefID == "DOCUMENT" {
			described[r.RefB.ElementRefID] = true
		}
		if r.Relationship == common.TypeRelationshipDescribeBy && r.RefB.ElementRefID == "DOCUMENT" {
			described[r.RefA.ElementRefID] = true
		}
	}
	if ci := sd.CreationInfo; ci != nil {
		if ts, err := time.Parse(time.RFC3339, ci.Created); err == nil {
			doc.Created = ts
		}
		for _, c := range ci.Creators {
			if c.CreatorType == "Tool" {
				name, version := c.Creator, ""
				if i := strings.LastIndex(c.Creator, "-"); i > 0 {
					name, version = c.Creator[:i], c.Creator[i+1:]
				}
				doc.Tool = finding.Tool{Name: name, Version: version}
				break
			}
		}
	}
	count := safeio.Counter{What: "SBOM packages", Max: safeio.MaxEntries}
	var qualifierDistro *inventory.Distro
	for _, sp := range sd.Packages {
		if sp == nil {
			continue
		}
		if err := count.Inc(); err != nil {
			return Document{}, err
		}
		purl := ""
		for _, ref := range sp.PackageExternalReferences {
			if ref != nil && strings.EqualFold(ref.RefType, common.TypePackageManagerPURL) {
				purl = ref.Locator
				break
			}
		}
		switch {
		case sp.PrimaryPackagePurpose == "OPERATING_SYSTEM" || sp.PrimaryPackagePurpose == "OPERATING-SYSTEM":
			if doc.Inventory.Distro == nil {
				d := &inventory.Distro{ID: strings.ToLower(sp.PackageName), VersionID: sp.PackageVersion, Name: sp.PackageDescription}
				for _, kv := range annotations(sp.Annotations) {
					if kv[0] == "sluice:distro:codename" {
						d.Codename = kv[1]
					}
				}
				doc.Inventory.Distro = d
			}
			continue
		case sp.PrimaryPackagePurpose == "CONTAINER" || strings.HasPrefix(purl, "pkg:oci/") ||
			purl == "" && described[sp.PackageSPDXIdentifier]:
			doc.Target = finding.Target{Name: sp.PackageName, Kind: spdxTargetKind(sp.PrimaryPackagePurpose)}
			if strings.HasPrefix(sp.PackageVersion, "sha256:") {
				doc.Target.Digest = sp.PackageVersion
			} else if u, err := packageurl.FromString(purl); err == nil && strings.HasPrefix(u.Version, "sha256:") {
				doc.Target.Digest = u.Version // trivy: pkg:oci/alpine@sha256:...
			}
			lr := layerReader{}
			for _, kv := range annotations(sp.Annotations) {
				if kv[0] == "sluice:target:kind" {
					doc.Target.Kind = kv[1]
				}
				lr.add(kv[0], kv[1])
			}
			doc.Inventory.Layers = lr.layers()
			continue
		case purl == "" && (sp.PackageVersion == "" || sp.PrimaryPackagePurpose == "FILE" || sp.PrimaryPackagePurpose == "APPLICATION"):
			continue // files, directories and binaries grouping packages, not packages
		}
		name := sp.PackageName
		if name == noAssertion {
			name = ""
		}
		p := inventory.Package{Name: name, Version: sp.PackageVersion, PURL: purl}
		pr := newPropReader(&p)
		for _, kv := range annotations(sp.Annotations) {
			pr.add(kv[0], kv[1])
		}
		pr.finish()
		if d := fromPURL(&p, purl); d != nil && qualifierDistro == nil {
			qualifierDistro = d
		}
		p.Licenses = spdxLicenses(sp.PackageLicenseDeclared)
		if p.Licenses == nil {
			p.Licenses = spdxLicenses(sp.PackageLicenseConcluded)
		}
		doc.Inventory.Packages = append(doc.Inventory.Packages, p)
	}
	if doc.Inventory.Distro == nil {
		doc.Inventory.Distro = qualifierDistro
	}
	return doc, nil
}

// annotations reads name/value pairs from annotation comments: sluice's
// "sluice:name=value" and trivy's "Name: value".
func annotations(as []spdx.Annotation) [][2]string {
	var out [][2]string
	for _, a := range as {
		c := a.AnnotationComment
		if strings.HasPrefix(c, "sluice:") {
			if k, v, ok := strings.Cut(c, "="); ok {
				out = append(out, [2]string{k, v})
			}
			continue
		}
		if k, v, ok := strings.Cut(c, ": "); ok && !strings.ContainsAny(k, " \t") {
			out = append(out, [2]string{k, v})
		}
	}
	return out
}

func spdxLicenses(expr string) []string {
	expr = strings.TrimSpace(expr)
	if expr == "" || expr == noAssertion || expr == "NONE" {
		return nil
	}
	if strings.ContainsAny(expr, "()") || strings.Contains(expr, " OR ") || strings.Contains(expr, " WITH ") {
		return []string{expr}
	}
	return strings.Split(expr, " AND ")
}

func spdxTargetKind(purpose string) string {
	switch purpose {
	case "CONTAINER":
		return "image"
	case "SOURCE":
		return "dir"
	}
	return "file"
}
