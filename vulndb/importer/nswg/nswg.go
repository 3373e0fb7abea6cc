// Package nswg imports the Node.js Security Working Group's npm advisories
// (https://github.com/nodejs/security-wg, vuln/npm/*.json): one JSON file per
// advisory with the module name and node-semver ranges of vulnerable and
// patched versions. Ranges become OSV ECOSYSTEM ranges for npm; the
// runtime advisories in vuln/core describe the node binary, which has no
// OSV ecosystem, and are not imported.
package nswg

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice/vulndb"
	"github.com/sluice-dev/sluice/vulndb/importer"
)

// Importer reads NSWG npm advisories.
type Importer struct{}

var _ importer.Importer = Importer{}

// Name implements importer.Importer.
func (Importer) Name() string { return "nswg" }

// Detect accepts a JSON file with a module_name and vulnerable_versions.
func (Importer) Detect(name string, head []byte) bool {
	if !strings.HasSuffix(strings.ToLower(name), ".json") || strings.HasSuffix(name, "index.json") {
		return false
	}
	return bytes.Contains(head, []byte(`"module_name"`)) && bytes.Contains(head, []byte(`"vulnerable_versions"`))
}

// advisory is the NSWG npm record.
type advisory struct {
	ID                 json.Number `json:"id"`
	CreatedAt          string      `json:"created_at"`
	UpdatedAt          string      `json:"updated_at"`
	Title              string      `json:"title"`
	ModuleName         string      `json:"module_name"`
	PublishDate        string      `json:"publish_date"`
	CVEs               []string    `json:"cves"`
	VulnerableVersions string      `json:"vulnerable_versions"`
	PatchedVersions    string      `json:"patched_versions"`
	Overview           string      `json:"overview"`
	Recommendation     string      `json:"recommendation"`
	References         []string    `json:"references"`
	CVSSVector         string      `json:"cvss_vector"`
}

// Import converts one advisory file.
func (Importer) Import(ctx context.Context, f importer.File, emit importer.Emit, skip func(string)) error {
	v, err := Parse(f.Data)
	if err != nil {
		return err
	}
	return emit("nswg:npm", v)
}

// Parse converts one NSWG npm advisory. Its ID becomes "NSWG-ECO-<id>", the
// identifier the advisories are known by; CVEs become aliases.
func Parse(data []byte) (*vulndb.Vulnerability, error) {
	var a advisory
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(&a); err != nil {
		return nil, fmt.Errorf("decode NSWG advisory: %w", err)
	}
	if a.ID == "" || strings.TrimSpace(a.ModuleName) == "" {
		return nil, fmt.Errorf("NSWG advisory without id or module_name")
	}
	if _, err := strconv.ParseUint(a.ID.String(), 10, 64); err != nil {
		return nil, fmt.Errorf("NSWG advisory id %q is not a number", a.ID)
	}
	v := &vulndb.Vulnerability{
		ID:      "NSWG-ECO-" + a.ID.String(),
		Summary: a.Title,
		Details: strings.TrimSpace(a.Overview + "\n\n" + a.Recommendation),
	}
	for _, c := range a.CVEs {
		if c = strings.TrimSpace(c); c != "" {
			v.Aliases = append(v.Aliases, c)
		}
	}
	v.Published, _ = vulndb.ParseTime(firstNonEmpty(a.PublishDate, a.CreatedAt))
	v.Modified, _ = vulndb.ParseTime(firstNonEmpty(a.UpdatedAt, a.CreatedAt))
	if strings.HasPrefix(a.CVSSVector, "CVSS:3") {
		v.Severity = []vulndb.Severity{{Type: "CVSS_V3", Score: a.CVSSVector}}
	}
	for _, r := range a.References {
		if r = strings.TrimSpace(r); strings.HasPrefix(r, "http") {
			v.References = append(v.References, vulndb.Reference{Type: "WEB", URL: r})
		}
	}
	ranges, versions, err := ConvertRange(a.VulnerableVersions)
	if err != nil {
		return nil, fmt.Errorf("%s: vulnerable_versions %q: %w", v.ID, a.VulnerableVersions, err)
	}
	ds, _ := json.Marshal(map[string]string{"vulnerable_versions": a.VulnerableVersions, "patched_versions": a.PatchedVersions})
	v.Affected = []vulndb.Affected{{
		Package:          vulndb.Package{Ecosystem: "npm", Name: a.ModuleName, PURL: "pkg:npm/" + a.ModuleName},
		Ranges:           ranges,
		Versions:         versions,
		DatabaseSpecific: ds,
	}}
	return v, nil
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// ConvertRange turns a node-semver range into OSV ranges (one per "||"
// alternative) and exact versions. Supported: <, <=, >=, = and bare
// versions, hyphen ranges, "*", "~" and "^". A ">" lower bound has no OSV
// event; it is converted to "introduced" at that version, which differs
// only for the bound itself (in NSWG data the previous patched release).
func ConvertRange(s string) ([]vulndb.Range, []string, error) {
	var ranges []vulndb.Range
	var versions []string
	for _, set := range strings.Split(s, "||") {
		toks := tokens(set)
		if len(toks) == 0 {
			return nil, nil, fmt.Errorf("empty alternative")
		}
		lo, hi, hiIncl, exact := "", "", false, ""
		for i := 0; i < len(toks); i++ {
			t := toks[i]
			if i+2 < len(toks) && toks[i+1] == "-" { // hyphen range a - b
				lo, hi, hiIncl = t, toks[i+2], true
				i += 2
				continue
			}
			op, ver := splitOp(t)
			if ver == "*" || ver == "x" || ver == "" && op == "" {
				continue
			}
			ver = strings.TrimPrefix(ver, "v")
			if !looksLikeVersion(ver) {
				return nil, nil, fmt.Errorf("version %q", ver)
			}
			switch op {
			case ">=", ">":
				lo = ver
			case "<":
				hi, hiIncl = ver, false
			case "<=":
				hi, hiIncl = ver, true
			case "=", "":
				exact = ver
			case "~", "^":
				l, h, err := caretTilde(op, ver)
				if err != nil {
					return nil, nil, err
				}
				lo, hi, hiIncl = l, h, false
			default:
				return nil, nil, fmt.Errorf("operator %q", op)
			}
		}
		if exact != "" && lo == "" && hi == "" {
			versions = append(versions, exact)
			continue
		}
		r := vulndb.Range{Type: vulndb.RangeEcosystem, Events: []vulndb.Event{{Introduced: "0"}}}
		if lo != "" {
			r.Events[0].Introduced = lo
		}
		switch {
		case hi != "" && hiIncl:
			r.Events = append(r.Events, vulndb.Event{LastAffected: hi})
		case hi != "":
			r.Events = append(r.Events, vulndb.Event{Fixed: hi})
		}
		ranges = append(ranges, r)
	}
	return ranges, versions, nil
}

// tokens splits a comparator set, joining operators written apart from
// their version ("<= 1.2.3").
func tokens(set string) []string {
	var out []string
	pending := ""
	for _, f := range strings.Fields(set) {
		if strings.Trim(f, "<>=~^") == "" && f != "-" {
			pending += f
			continue
		}
		out = append(out, pending+f)
		pending = ""
	}
	if pending != "" {
		out = append(out, pending)
	}
	return out
}

func splitOp(t string) (op, ver string) {
	i := strings.IndexFunc(t, func(r rune) bool { return !strings.ContainsRune("<>=~^", r) })
	if i < 0 {
		return t, ""
	}
	return t[:i], t[i:]
}

func looksLikeVersion(v string) bool {
	return v != "" && v[0] >= '0' && v[0] <= '9' && !strings.ContainsAny(v, " <>=|")
}

// caretTilde expands ~1.2.3 to [1.2.3, 1.3.0) and ^1.2.3 to [1.2.3, 2.0.0)
// (^0.2.3 to [0.2.3, 0.3.0), ^0.0.3 to [0.0.3, 0.0.4)).
func caretTilde(op, ver string) (lo, hi string, err error) {
	core, _, _ := strings.Cut(ver, "-")
	parts := strings.Split(core, ".")
	n := make([]int, 3)
	given := 0
	for i := 0; i < len(parts) && i < 3; i++ {
		if parts[i] == "x" || parts[i] == "*" {
			break
		}
		if n[i], err = strconv.Atoi(parts[i]); err != nil {
			return "", "", fmt.Errorf("version %q", ver)
		}
		given++
	}
	lo = fmt.Sprintf("%d.%d.%d", n[0], n[1], n[2])
	if strings.Contains(ver, "-") {
		lo = ver
	}
	bump := 1 // minor
	if op == "~" && given <= 1 {
		bump = 0
	}
	if op == "^" {
		bump = 0
		for bump < 2 && n[bump] == 0 && bump < given-1 {
			bump++
		}
	}
	h := []int{n[0], n[1], n[2]}
	h[bump]++
	for i := bump + 1; i < 3; i++ {
		h[i] = 0
	}
	return lo, fmt.Sprintf("%d.%d.%d", h[0], h[1], h[2]), nil
}
