// Package alpine imports Alpine's secdb (https://secdb.alpinelinux.org/):
// the old per-branch YAML files and the current JSON, both one document per
// release branch and repository listing, per origin package, the version
// that fixed each CVE. Each (CVE, branch) becomes an OSV record with the
// ecosystem "Alpine:<branch>" ("Alpine:v3.18", "Alpine:edge").
package alpine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/sluice-dev/sluice/vulndb"
	"github.com/sluice-dev/sluice/vulndb/importer"
)

// SecDB imports secdb YAML and JSON.
type SecDB struct{}

var _ importer.Importer = SecDB{}

// Name implements importer.Importer.
func (SecDB) Name() string { return "alpine-secdb" }

// Detect accepts a .json/.yaml/.yml file naming a distroversion and packages.
func (SecDB) Detect(name string, head []byte) bool {
	n := strings.ToLower(name)
	if !strings.HasSuffix(n, ".json") && !strings.HasSuffix(n, ".yaml") && !strings.HasSuffix(n, ".yml") {
		return false
	}
	return bytes.Contains(head, []byte("distroversion")) && bytes.Contains(head, []byte("packages"))
}

// document is a secdb file. Versions and CVE lists are kept as strings:
// YAML would otherwise read "3.10-r0" keys as they are but "1.0" as a float.
type document struct {
	DistroVersion string `json:"distroversion" yaml:"distroversion"`
	RepoName      string `json:"reponame" yaml:"reponame"`
	URLPrefix     string `json:"urlprefix" yaml:"urlprefix"`
	Packages      []struct {
		Pkg struct {
			Name     string              `json:"name" yaml:"name"`
			SecFixes map[string][]string `json:"secfixes" yaml:"secfixes"`
		} `json:"pkg" yaml:"pkg"`
	} `json:"packages" yaml:"packages"`
}

// Import converts a secdb document.
func (SecDB) Import(ctx context.Context, f importer.File, emit importer.Emit, skip func(string)) error {
	recs, src, err := Parse(f.Data)
	if err != nil {
		return err
	}
	for i := range recs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := emit(src, &recs[i]); err != nil {
			return err
		}
	}
	return nil
}

// Parse reads a secdb document (JSON or YAML) into one record per CVE and
// the source name "alpine-secdb:<branch>/<repo>". A fixed version of "0"
// means the package as built is not affected: no record for it. An entry
// holding several IDs in one string ("CVE-2024-4603 GHSL-2024-001") makes
// the first the record ID and the rest aliases.
func Parse(data []byte) ([]vulndb.Vulnerability, string, error) {
	var doc document
	trim := bytes.TrimSpace(data)
	if bytes.HasPrefix(trim, []byte("{")) {
		if err := json.Unmarshal(trim, &doc); err != nil {
			return nil, "", fmt.Errorf("decode secdb JSON: %w", err)
		}
	} else if err := yaml.Unmarshal(trim, &doc); err != nil {
		return nil, "", fmt.Errorf("decode secdb YAML: %w", err)
	}
	branch := strings.TrimSpace(doc.DistroVersion)
	if branch == "" {
		return nil, "", fmt.Errorf("secdb document without distroversion")
	}
	if branch != "edge" && !strings.HasPrefix(branch, "v") {
		branch = "v" + branch
	}
	eco := "Alpine:" + branch
	src := "alpine-secdb:" + branch
	if doc.RepoName != "" {
		src += "/" + doc.RepoName
	}
	byID := map[string]*vulndb.Vulnerability{}
	for _, p := range doc.Packages {
		name := strings.TrimSpace(p.Pkg.Name)
		if name == "" {
			continue
		}
		fixes := make([]string, 0, len(p.Pkg.SecFixes))
		for v := range p.Pkg.SecFixes {
			fixes = append(fixes, v)
		}
		slices.Sort(fixes)
		for _, fixed := range fixes {
			fixed := strings.TrimSpace(fixed)
			for _, entry := range p.Pkg.SecFixes[fixed] {
				ids := strings.Fields(entry)
				if len(ids) == 0 {
					continue
				}
				v := byID[ids[0]]
				if v == nil {
					v = &vulndb.Vulnerability{ID: ids[0]}
					byID[ids[0]] = v
				}
				for _, a := range ids[1:] {
					if !slices.Contains(v.Aliases, a) {
						v.Aliases = append(v.Aliases, a)
					}
				}
				if fixed == "0" || fixed == "" {
					continue // not affected as built
				}
				v.Affected = appendFix(v.Affected, eco, name, fixed)
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
		v := byID[id]
		v.References = []vulndb.Reference{{Type: "ADVISORY", URL: "https://security.alpinelinux.org/vuln/" + id}}
		out = append(out, *v)
	}
	return out, src, nil
}

// appendFix adds a fixed version for a package, as a new range when the
// package already has one (the same CVE fixed in two versions of a branch
// means two packagings; either fixes it).
func appendFix(affs []vulndb.Affected, eco, name, fixed string) []vulndb.Affected {
	r := vulndb.Range{Type: vulndb.RangeEcosystem, Events: []vulndb.Event{{Introduced: "0"}, {Fixed: fixed}}}
	for i := range affs {
		if affs[i].Package.Name == name {
			affs[i].Ranges = append(affs[i].Ranges, r)
			return affs
		}
	}
	return append(affs, vulndb.Affected{
		Package: vulndb.Package{Ecosystem: eco, Name: name, PURL: "pkg:apk/alpine/" + name},
		Ranges:  []vulndb.Range{r},
	})
}
