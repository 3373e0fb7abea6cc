package nswg

import (
	"archive/zip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/internal/testutil"
	"github.com/sluice-dev/sluice/vulndb"
)

func TestConvertRange(t *testing.T) {
	ev := func(e ...vulndb.Event) []vulndb.Range {
		return []vulndb.Range{{Type: "ECOSYSTEM", Events: e}}
	}
	tests := []struct {
		in       string
		ranges   []vulndb.Range
		versions []string
	}{
		{"<4.17.5", ev(vulndb.Event{Introduced: "0"}, vulndb.Event{Fixed: "4.17.5"}), nil},
		{"<= 1.5.1", ev(vulndb.Event{Introduced: "0"}, vulndb.Event{LastAffected: "1.5.1"}), nil},
		{">=2.0.0 <2.0.3", ev(vulndb.Event{Introduced: "2.0.0"}, vulndb.Event{Fixed: "2.0.3"}), nil},
		{"*", ev(vulndb.Event{Introduced: "0"}), nil},
		{"1.0.0 || =1.0.2", nil, []string{"1.0.0", "1.0.2"}},
		{"~1.2.3", ev(vulndb.Event{Introduced: "1.2.3"}, vulndb.Event{Fixed: "1.3.0"}), nil},
		{"^0.2.3", ev(vulndb.Event{Introduced: "0.2.3"}, vulndb.Event{Fixed: "0.3.0"}), nil},
		{"^1.2.3", ev(vulndb.Event{Introduced: "1.2.3"}, vulndb.Event{Fixed: "2.0.0"}), nil},
		{"1.0.0 - 1.2.0", ev(vulndb.Event{Introduced: "1.0.0"}, vulndb.Event{LastAffected: "1.2.0"}), nil},
		{"<=v1.0.0", ev(vulndb.Event{Introduced: "0"}, vulndb.Event{LastAffected: "1.0.0"}), nil},
		{"<1.0.0 || >=2.0.0 <2.1.0", []vulndb.Range{
			{Type: "ECOSYSTEM", Events: []vulndb.Event{{Introduced: "0"}, {Fixed: "1.0.0"}}},
			{Type: "ECOSYSTEM", Events: []vulndb.Event{{Introduced: "2.0.0"}, {Fixed: "2.1.0"}}},
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			r, v, err := ConvertRange(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]any{tt.ranges, tt.versions}, []any{r, v}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	for _, bad := range []string{"", "latest", "< || >"} {
		if _, _, err := ConvertRange(bad); err == nil {
			t.Errorf("ConvertRange(%q) accepted it", bad)
		}
	}
}

func TestParseSample(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(testutil.SharedDir(t, "vulndata", "samples", "nodejs-security-wg", "npm"), "368.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !(Importer{}).Detect("npm/368.json", data) {
		t.Error("Detect rejected it")
	}
	v, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	got := []any{v.ID, v.Aliases, v.Affected[0].Package.Name, v.Affected[0].Ranges, v.Severity[0].Score, v.Published.Format("2006-01-02")}
	want := []any{"NSWG-ECO-368", []string{"CVE-2018-3721"}, "lodash",
		[]vulndb.Range{{Type: "ECOSYSTEM", Events: []vulndb.Event{{Introduced: "0"}, {Fixed: "4.17.5"}}}},
		"CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:L", "2018-02-12"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestParseWholeZip converts every npm advisory of the real vuln.zip.
func TestParseWholeZip(t *testing.T) {
	zr, err := zip.OpenReader(filepath.Join(testutil.SharedDir(t, "vulndata", "nodejs-security-wg"), "vuln.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	n := 0
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "npm/") || strings.HasSuffix(f.Name, "index.json") {
			continue
		}
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		rc.Close()
		v, err := Parse(data)
		if err != nil {
			t.Errorf("%s: %v", f.Name, err)
			continue
		}
		if err := v.Validate(); err != nil {
			t.Errorf("%s: %v", f.Name, err)
		}
		n++
	}
	if n != 467 {
		t.Errorf("converted %d npm advisories, want the README's 467", n)
	}
}

func FuzzConvertRange(f *testing.F) {
	for _, s := range []string{"<4.17.5", ">= 1.0.0 <= 2.0.0 || ~3.1", "^0.0.3", "1.0.0 - 2.0.0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, _, err := ConvertRange(s)
		if err != nil {
			return
		}
		v := vulndb.Vulnerability{ID: "X", Affected: []vulndb.Affected{{Package: vulndb.Package{Ecosystem: "npm", Name: "x"}, Ranges: r}}}
		if err := v.Validate(); err != nil {
			t.Errorf("ConvertRange(%q) gave invalid ranges: %v", s, err)
		}
	})
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"id": 1, "module_name": "a", "vulnerable_versions": "<1.0.0", "cves": ["CVE-1"]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := Parse(b)
		if err != nil {
			return
		}
		if err := v.Validate(); err != nil {
			t.Errorf("invalid record: %v", err)
		}
	})
}
