package alpine

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/internal/testutil"
	"github.com/sluice-dev/sluice/vulndb"
)

// counts returns packages and (package, fixed version, ID) triples.
func counts(recs []vulndb.Vulnerability) (pkgs, triples int) {
	seen := map[string]bool{}
	for _, v := range recs {
		for _, a := range v.Affected {
			seen[a.Package.Name] = true
			triples += len(a.Ranges)
		}
	}
	return len(seen), triples
}

// TestParseReal parses every real secdb file; the figures are those of the
// vulndata README (v3.11 main: 175 packages, 1,204 CVE entries).
func TestParseReal(t *testing.T) {
	dir := testutil.SharedDir(t, "vulndata", "alpine-secdb")
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*", "*.yaml"))
	more, _ := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	files = append(files, more...)
	if len(files) < 20 {
		t.Fatalf("only %d secdb files found", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !(SecDB{}).Detect(f, data[:min(len(data), 4096)]) {
			t.Errorf("%s: Detect rejected it", f)
		}
		recs, src, err := Parse(data)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		// v3.3 community is a real empty document ("packages:" and nothing).
		if (len(recs) == 0 && !strings.HasSuffix(f, filepath.Join("v3.3", "community.yaml"))) || src == "" {
			t.Errorf("%s: %d records, source %q", f, len(recs), src)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "official-2020-06-08", "v3.11", "main.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	recs, src, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	pkgs, triples := counts(recs)
	if diff := cmp.Diff([]any{"alpine-secdb:v3.11/main", 175, 1204}, []any{src, pkgs, triples}); diff != "" {
		t.Errorf("v3.11 main source, packages, CVE entries (-want +got):\n%s", diff)
	}
}

func TestParseEdgeSample(t *testing.T) {
	data, err := os.ReadFile(testutil.SharedDir(t, "vulndata", "samples", "alpine-secdb", "edge-2024-02-08", "main.json"))
	if err != nil {
		t.Fatal(err)
	}
	recs, src, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if src != "alpine-secdb:edge/main" {
		t.Errorf("source %q", src)
	}
	i := slices.IndexFunc(recs, func(v vulndb.Vulnerability) bool { return v.ID == "CVE-2021-36159" })
	if i < 0 {
		t.Fatal("CVE-2021-36159 (apk-tools) missing")
	}
	want := []vulndb.Affected{{
		Package: vulndb.Package{Ecosystem: "Alpine:edge", Name: "apk-tools", PURL: "pkg:apk/alpine/apk-tools"},
		Ranges:  []vulndb.Range{{Type: "ECOSYSTEM", Events: []vulndb.Event{{Introduced: "0"}, {Fixed: "2.12.6-r0"}}}},
	}}
	if diff := cmp.Diff(want, recs[i].Affected); diff != "" {
		t.Errorf("CVE-2021-36159 (-want +got):\n%s", diff)
	}
}

func TestParseQuirks(t *testing.T) {
	in := `{"distroversion": "v3.19", "reponame": "main", "packages": [
		{"pkg": {"name": "openssl", "secfixes": {"0": ["CVE-2000-0001"], "3.1.4-r3": ["CVE-2023-5678 GHSL-2023-1"]}}}]}`
	recs, _, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var ids [][]string
	for _, r := range recs {
		ids = append(ids, r.IDs())
	}
	// "0" means not affected: no record; two IDs in one string: an alias.
	if diff := cmp.Diff([][]string{{"CVE-2023-5678", "GHSL-2023-1"}}, ids); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, _, err := Parse([]byte(`{"packages": []}`)); err == nil {
		t.Error("accepted a document without distroversion")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"distroversion": "v3.19", "packages": [{"pkg": {"name": "a", "secfixes": {"1.0-r0": ["CVE-1"]}}}]}`))
	f.Add([]byte("distroversion: v3.11\npackages:\n  - pkg:\n      name: a\n      secfixes:\n        1.0-r0:\n          - CVE-1\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, _, err := Parse(b)
		if err != nil {
			return
		}
		for _, r := range recs {
			if err := r.Validate(); err != nil {
				t.Errorf("parsed an invalid record: %v", err)
			}
		}
	})
}
