// Package osv imports OSV JSON advisories (https://ossf.github.io/osv-schema/):
// single files, directories of them, and the per-ecosystem all.zip archives
// OSV publishes, for every ecosystem including the distros ("Debian:12",
// "Alpine:v3.18", "AlmaLinux:9").
package osv

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sluice-dev/sluice/vulndb"
	"github.com/sluice-dev/sluice/vulndb/importer"
)

// Importer reads OSV JSON.
type Importer struct{}

var _ importer.Importer = Importer{}

// Name implements importer.Importer.
func (Importer) Name() string { return "osv" }

// Detect accepts a JSON object with an "id" and OSV's "affected" or
// "modified" fields.
func (Importer) Detect(name string, head []byte) bool {
	if !strings.HasSuffix(strings.ToLower(name), ".json") {
		return false
	}
	h := bytes.TrimSpace(head)
	return bytes.HasPrefix(h, []byte("{")) && bytes.Contains(h, []byte(`"id"`)) &&
		(bytes.Contains(h, []byte(`"affected"`)) || bytes.Contains(h, []byte(`"modified"`)))
}

// Import decodes one advisory, or an array of them.
func (Importer) Import(ctx context.Context, f importer.File, emit importer.Emit, skip func(string)) error {
	data := bytes.TrimSpace(f.Data)
	var vs []vulndb.Vulnerability
	if bytes.HasPrefix(data, []byte("[")) {
		if err := json.Unmarshal(data, &vs); err != nil {
			return fmt.Errorf("decode OSV array: %w", err)
		}
	} else {
		v, err := Parse(data)
		if err != nil {
			return err
		}
		vs = []vulndb.Vulnerability{*v}
	}
	for i := range vs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := emit(Source(&vs[i]), &vs[i]); err != nil {
			return err
		}
	}
	return nil
}

// Parse decodes one OSV record.
func Parse(data []byte) (*vulndb.Vulnerability, error) {
	var v vulndb.Vulnerability
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("decode OSV record: %w", err)
	}
	if err := v.Validate(); err != nil {
		return nil, err
	}
	return &v, nil
}

// Source names the feed a record belongs to: "osv:" and the ecosystem of
// its first affected package, without release ("osv:Debian").
func Source(v *vulndb.Vulnerability) string {
	for _, a := range v.Affected {
		if a.Package.Ecosystem != "" {
			base, _, _ := strings.Cut(a.Package.Ecosystem, ":")
			return "osv:" + base
		}
	}
	return "osv"
}
