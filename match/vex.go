package match

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/sluice-dev/sluice/finding"
)

// VEX is a parsed OpenVEX document
// (https://github.com/openvex/spec/blob/main/OPENVEX-SPEC.md).
type VEX struct {
	Name       string
	Statements []VEXStatement
}

// VEXStatement says what one vulnerability means for some products.
type VEXStatement struct {
	Vulnerability string   // the vulnerability's name or @id (CVE-…, GHSA-…)
	Aliases       []string // vulnerability.aliases
	Products      []string // product and subcomponent identifiers (purls)
	Status        string   // not_affected, affected, fixed, under_investigation
	Justification string
	Impact        string
}

type openVEX struct {
	Context    string `json:"@context"`
	Statements []struct {
		Vulnerability json.RawMessage `json:"vulnerability"`
		Products      []vexProduct    `json:"products"`
		Status        string          `json:"status"`
		Justification string          `json:"justification"`
		Impact        string          `json:"impact_statement"`
	} `json:"statements"`
}

type vexProduct struct {
	ID          string `json:"@id"`
	Identifiers struct {
		PURL string `json:"purl"`
	} `json:"identifiers"`
	Subcomponents []vexProduct `json:"subcomponents"`
}

var vexStatuses = []string{"not_affected", "affected", "fixed", "under_investigation"}

// ParseVEX reads an OpenVEX JSON document; name labels it in suppressions.
func ParseVEX(name string, data []byte) (*VEX, error) {
	var doc openVEX
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: not an OpenVEX JSON document: %w", name, err)
	}
	if !strings.HasPrefix(doc.Context, "https://openvex.dev/ns") {
		return nil, fmt.Errorf("%s: @context %q is not OpenVEX (want https://openvex.dev/ns/…)", name, doc.Context)
	}
	v := &VEX{Name: name}
	for i, s := range doc.Statements {
		st := VEXStatement{Status: s.Status, Justification: s.Justification, Impact: s.Impact}
		if !slices.Contains(vexStatuses, s.Status) {
			return nil, fmt.Errorf("%s: statement %d: status %q (want one of %s)", name, i+1, s.Status, strings.Join(vexStatuses, ", "))
		}
		// vulnerability is an object {"@id", "name", "aliases"} (v0.2) or a string (v0.0.1).
		var vs string
		if json.Unmarshal(s.Vulnerability, &vs) == nil {
			st.Vulnerability = vs
		} else {
			var vo struct {
				ID      string   `json:"@id"`
				Name    string   `json:"name"`
				Aliases []string `json:"aliases"`
			}
			if err := json.Unmarshal(s.Vulnerability, &vo); err != nil {
				return nil, fmt.Errorf("%s: statement %d: vulnerability: %w", name, i+1, err)
			}
			st.Vulnerability = vo.Name
			if st.Vulnerability == "" {
				st.Vulnerability = vo.ID
			}
			st.Aliases = vo.Aliases
		}
		if st.Vulnerability == "" {
			return nil, fmt.Errorf("%s: statement %d: no vulnerability", name, i+1)
		}
		var walk func([]vexProduct)
		walk = func(ps []vexProduct) {
			for _, p := range ps {
				for _, id := range []string{p.ID, p.Identifiers.PURL} {
					if id != "" {
						st.Products = append(st.Products, id)
					}
				}
				walk(p.Subcomponents)
			}
		}
		walk(s.Products)
		v.Statements = append(v.Statements, st)
	}
	return v, nil
}

// Apply marks findings that a not_affected or fixed statement covers as
// suppressed (kind "vex"); other statuses are recorded as evidence. The last
// matching statement wins, as in OpenVEX.
func (v *VEX) Apply(fs []finding.Finding) {
	for i := range fs {
		f := &fs[i]
		if f.Kind != finding.KindVuln || f.Package == nil {
			continue
		}
		var match *VEXStatement
		for j := range v.Statements {
			if v.Statements[j].covers(f) {
				match = &v.Statements[j]
			}
		}
		if match == nil {
			continue
		}
		reason := match.Status
		if match.Justification != "" {
			reason += ": " + match.Justification
		}
		if match.Impact != "" {
			reason += " (" + match.Impact + ")"
		}
		f.Evidence = append(f.Evidence, finding.Evidence{Name: "vex", Value: v.Name + ": " + reason})
		if match.Status == "not_affected" || match.Status == "fixed" {
			f.Suppressed = &finding.Suppression{Kind: "vex", Reason: reason, Source: v.Name}
		}
	}
}

func (s *VEXStatement) covers(f *finding.Finding) bool {
	ids := append([]string{f.Rule}, f.Aliases...)
	named := false
	for _, n := range append([]string{s.Vulnerability}, s.Aliases...) {
		if slices.ContainsFunc(ids, func(id string) bool { return strings.EqualFold(id, n) }) {
			named = true
		}
	}
	if !named {
		return false
	}
	if len(s.Products) == 0 {
		return true
	}
	for _, p := range s.Products {
		if purlMatches(p, f.Package.PURL) {
			return true
		}
	}
	return false
}

// purlMatches compares a VEX product purl with a package purl: equal, or
// equal without version and qualifiers when the product gives none.
func purlMatches(product, pkg string) bool {
	if product == "" || pkg == "" {
		return false
	}
	if product == pkg {
		return true
	}
	strip := func(p string) (base string, hasVersion bool) {
		p, _, _ = strings.Cut(p, "#")
		p, _, _ = strings.Cut(p, "?")
		b, _, has := strings.Cut(p, "@")
		return b, has
	}
	pb, pv := strip(product)
	kb, _ := strip(pkg)
	if pv {
		pp, _, _ := strings.Cut(product, "?")
		kp, _, _ := strings.Cut(pkg, "?")
		return pp == kp
	}
	return pb == kb
}
