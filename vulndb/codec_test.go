package vulndb

import (
	"archive/zip"
	"cmp"
	"encoding/json"
	"io/fs"
	"path/filepath"
	"slices"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/sluice-dev/sluice/internal/testutil"
)

// edgeHeader has what real records rarely do: a time before 1970 with
// nanoseconds, empty strings in lists, a NUL, HTML in database_specific.
var edgeHeader = Vulnerability{
	ID:               "EDGE-1",
	Modified:         Time{time.Date(1969, 12, 31, 23, 59, 59, 123456789, time.UTC)},
	Withdrawn:        Time{time.Date(2024, 2, 29, 1, 2, 3, 4, time.UTC)},
	Aliases:          []string{"", "CVE-1"},
	Summary:          "ünïcode\x00and nul",
	Severity:         []Severity{{Type: "CVSS_V3", Score: ""}},
	References:       []Reference{{}},
	DatabaseSpecific: json.RawMessage(` {"html": "<b>&</b>", "n" : 1} `),
}

// viaJSON is in marshalled to JSON and read back as a T.
func viaJSON[T any](t *testing.T, in any) T {
	t.Helper()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// jsonHeader is the header as an OSV JSON round trip gives it: what
// decodeHeader must return.
func jsonHeader(t *testing.T, v Vulnerability) Vulnerability {
	t.Helper()
	v.Affected, v.Details = nil, ""
	return viaJSON[Vulnerability](t, &v)
}

// checkRoundTrip checks the stored forms of v: its header, and each of its
// affected entries (compared as JSON, with compact ranges first, as the
// store returns them).
func checkRoundTrip(t *testing.T, v Vulnerability) {
	t.Helper()
	checkHeaderRoundTrip(t, v)
	norm := func(a Affected) any {
		a.Ranges = slices.Clone(a.Ranges)
		slices.SortStableFunc(a.Ranges, func(x, y Range) int {
			return cmp.Compare(compactRank(x), compactRank(y))
		})
		return viaJSON[any](t, a)
	}
	for i, a := range v.Affected {
		b, err := appendEntry(nil, &a)
		if err != nil {
			t.Fatalf("%s affected[%d]: %v", v.ID, i, err)
		}
		got, err := decodeEntry(a.Package.Ecosystem, b)
		if err != nil {
			t.Fatalf("%s affected[%d]: %v", v.ID, i, err)
		}
		if diff := gocmp.Diff(norm(a), norm(got)); diff != "" {
			t.Errorf("%s affected[%d] round trip (-want +got):\n%s", v.ID, i, diff)
		}
	}
}

// compactRank is 0 for a range stored in the compact form, 1 otherwise.
func compactRank(r Range) int {
	if (r.Type == RangeEcosystem || r.Type == RangeSemver) && r.Repo == "" && len(r.DatabaseSpecific) == 0 {
		return 0
	}
	return 1
}

func checkHeaderRoundTrip(t *testing.T, v Vulnerability) {
	t.Helper()
	b, err := appendHeader(nil, &v)
	if err != nil {
		t.Fatalf("%s: %v", v.ID, err)
	}
	got, err := decodeHeader(b)
	if err != nil {
		t.Fatalf("%s: %v", v.ID, err)
	}
	if diff := gocmp.Diff(jsonHeader(t, v), got); diff != "" {
		t.Errorf("%s header round trip (-json +binary):\n%s", v.ID, diff)
	}
}

// TestCodecRoundTrip encodes every real OSV record of vulndata (the
// samples with -short) and reads it back as JSON would.
func TestCodecRoundTrip(t *testing.T) {
	n := 0
	if testing.Short() {
		for _, eco := range []string{"AlmaLinux", "Go", "PyPI", "crates.io"} {
			for _, v := range loadSamples(t, eco) {
				checkRoundTrip(t, v)
				n++
			}
		}
	} else {
		zips, err := filepath.Glob(filepath.Join(testutil.SharedDir(t, "vulndata", "osv"), "*", "all.zip"))
		if err != nil || len(zips) == 0 {
			t.Fatalf("no OSV zips: %v", err)
		}
		for _, z := range zips {
			zr, err := zip.OpenReader(z)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range zr.File {
				b, err := fs.ReadFile(zr, f.Name)
				if err != nil {
					t.Fatal(err)
				}
				var v Vulnerability
				if err := json.Unmarshal(b, &v); err != nil {
					t.Fatalf("%s!%s: %v", z, f.Name, err)
				}
				checkRoundTrip(t, v)
				n++
			}
			zr.Close()
		}
	}
	t.Logf("%d records", n)

	edge := edgeHeader
	checkHeaderRoundTrip(t, edge)
	edge.DatabaseSpecific = json.RawMessage("null")
	checkHeaderRoundTrip(t, edge)
}

func TestHeaderBadJSON(t *testing.T) {
	v := Vulnerability{ID: "X", DatabaseSpecific: json.RawMessage("{not json")}
	if _, err := appendHeader(nil, &v); err == nil {
		t.Error("appendHeader accepted database_specific that is not JSON")
	}
}

// FuzzDecodeHeader: a corrupt header is an error, never a panic, and what
// decodes encodes back to a header that decodes the same (database_specific
// aside: re-encoding compacts it).
func FuzzDecodeHeader(f *testing.F) {
	for _, v := range []Vulnerability{edgeHeader, {ID: "GO-2023-2102", Aliases: []string{"CVE-2023-39325"}}} {
		if h, err := appendHeader(nil, &v); err == nil {
			f.Add(h)
		}
	}
	f.Add([]byte{})
	f.Add([]byte{0, 1, 'X', 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := decodeHeader(b)
		if err != nil {
			return
		}
		again, err := appendHeader(nil, &v)
		if err != nil {
			return // database_specific that is not JSON
		}
		w, err := decodeHeader(again)
		if err != nil {
			t.Fatalf("re-encoded %x does not decode: %v", again, err)
		}
		v.DatabaseSpecific, w.DatabaseSpecific = nil, nil
		if diff := gocmp.Diff(v, w); diff != "" {
			t.Errorf("re-encoding changed the header (-first +second):\n%s", diff)
		}
	})
}

// FuzzDecodeEntry: a corrupt affected entry is an error, never a panic, and
// what decodes encodes back to an entry that decodes the same.
func FuzzDecodeEntry(f *testing.F) {
	for _, a := range []Affected{
		{Package: Package{Name: "openssl"}, Ranges: []Range{{Type: RangeEcosystem, Events: []Event{{Introduced: "0"}, {Fixed: "1:3.0.7-25.el9_3"}}}}},
		{Package: Package{Name: "x", PURL: "pkg:golang/x"}, Versions: []string{"1.0"}, Severity: []Severity{{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N"}},
			Ranges: []Range{{Type: RangeGit, Repo: "https://example.com/x", Events: []Event{{Introduced: "abc"}}}, {Type: RangeSemver, Events: []Event{{Limit: "*"}}}}},
	} {
		if b, err := appendEntry(nil, &a); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := decodeEntry("Go", b)
		if err != nil {
			return
		}
		again, err := appendEntry(nil, &a)
		if err != nil {
			return // severity or ranges that JSON cannot hold
		}
		w, err := decodeEntry("Go", again)
		if err != nil {
			t.Fatalf("re-encoded %x does not decode: %v", again, err)
		}
		a.EcosystemSpecific, a.DatabaseSpecific, w.EcosystemSpecific, w.DatabaseSpecific = nil, nil, nil, nil
		slices.SortStableFunc(a.Ranges, func(x, y Range) int { return cmp.Compare(compactRank(x), compactRank(y)) })
		if diff := gocmp.Diff(a, w, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("re-encoding changed the entry (-first +second):\n%s", diff)
		}
	})
}
