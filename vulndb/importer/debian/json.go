package debian

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/sluice-dev/sluice/vulndb"
	"github.com/sluice-dev/sluice/vulndb/importer"
)

// JSON imports the tracker's JSON export: an object keyed by source package,
// then by issue (CVE or TEMP ID), with per-release status, fixed version and
// urgency.
type JSON struct{}

var _ importer.Importer = JSON{}

// Name implements importer.Importer.
func (JSON) Name() string { return "debian-json" }

var jsonHead = regexp.MustCompile(`^\{\s*"[^"]+"\s*:\s*\{\s*"(?:CVE|TEMP|DSA|DLA)-`)

// Detect accepts {"<package>": {"CVE-…": ….
func (JSON) Detect(name string, head []byte) bool {
	return jsonHead.Match(bytes.TrimSpace(head))
}

// trackerIssue is one (package, issue) entry of the export.
type trackerIssue struct {
	Description string                    `json:"description"`
	Scope       string                    `json:"scope"`
	DebianBug   int                       `json:"debianbug"`
	Releases    map[string]trackerRelease `json:"releases"`
}

type trackerRelease struct {
	Status       string            `json:"status"` // resolved, open, undetermined
	Repositories map[string]string `json:"repositories"`
	FixedVersion string            `json:"fixed_version"`
	Urgency      string            `json:"urgency"` // low, medium, high, unimportant, not yet assigned, end-of-life
	NoDSA        string            `json:"nodsa"`
}

// EcosystemSpecific is what the Debian importers put in
// affected[].ecosystem_specific: the tracker's urgency and status, which
// match uses as the distro severity.
type EcosystemSpecific struct {
	Urgency string `json:"urgency,omitempty"`
	Status  string `json:"status,omitempty"`
}

// Import converts the export into one record per issue, with an affected
// entry per (source package, release). A release whose fixed_version is
// "0" is not affected and is left out; an open issue has no fix event;
// "unimportant" is kept as the urgency so it becomes a low severity.
func (JSON) Import(ctx context.Context, f importer.File, emit importer.Emit, skip func(string)) error {
	recs, err := ParseJSON(f.Data)
	if err != nil {
		return err
	}
	for i := range recs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := emit("debian-tracker", &recs[i]); err != nil {
			return err
		}
	}
	return nil
}

// ParseJSON reads a tracker JSON export.
func ParseJSON(data []byte) ([]vulndb.Vulnerability, error) {
	var doc map[string]map[string]trackerIssue
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("decode Debian tracker JSON: %w", err)
	}
	byID := map[string]*vulndb.Vulnerability{}
	pkgs := make([]string, 0, len(doc))
	for p := range doc {
		pkgs = append(pkgs, p)
	}
	slices.Sort(pkgs)
	for _, pkg := range pkgs {
		issues := doc[pkg]
		if strings.TrimSpace(pkg) == "" {
			continue
		}
		ids := make([]string, 0, len(issues))
		for id := range issues {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			is := issues[id]
			if strings.TrimSpace(id) == "" {
				continue
			}
			v := byID[id]
			if v == nil {
				v = &vulndb.Vulnerability{ID: id, Details: is.Description,
					References: []vulndb.Reference{{Type: "WEB", URL: "https://security-tracker.debian.org/tracker/" + id}}}
				byID[id] = v
			}
			rels := make([]string, 0, len(is.Releases))
			for r := range is.Releases {
				rels = append(rels, r)
			}
			slices.Sort(rels)
			for _, rel := range rels {
				r := is.Releases[rel]
				eco := Ecosystem(rel)
				if eco == "" {
					continue // sid and unknown codenames have no OSV ecosystem
				}
				var ev []vulndb.Event
				switch {
				case r.FixedVersion == "0":
					continue // not affected
				case r.Status == "resolved" && r.FixedVersion != "":
					ev = []vulndb.Event{{Introduced: "0"}, {Fixed: r.FixedVersion}}
				case r.Status == "open" || r.Status == "undetermined" || r.Status == "resolved":
					ev = []vulndb.Event{{Introduced: "0"}}
				default:
					continue
				}
				es, _ := json.Marshal(EcosystemSpecific{Urgency: strings.TrimSuffix(r.Urgency, "*"), Status: r.Status})
				v.Affected = append(v.Affected, vulndb.Affected{
					Package:           vulndb.Package{Ecosystem: eco, Name: pkg, PURL: "pkg:deb/debian/" + pkg},
					Ranges:            []vulndb.Range{{Type: vulndb.RangeEcosystem, Events: ev}},
					EcosystemSpecific: es,
				})
			}
		}
	}
	ids := make([]string, 0, len(byID))
	for id, v := range byID {
		if len(v.Affected) > 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	out := make([]vulndb.Vulnerability, 0, len(ids))
	for _, id := range ids {
		out = append(out, *byID[id])
	}
	return out, nil
}
