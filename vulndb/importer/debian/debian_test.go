package debian

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/internal/testutil"
	"github.com/sluice-dev/sluice/vulndb"
)

// TestParseRealLists parses the whole real DSA, DLA and DTSA lists; the
// entry counts are those of the vulndata README.
func TestParseRealLists(t *testing.T) {
	dir := testutil.SharedDir(t, "vulndata", "debian-security-tracker", "2023-04-01")
	for _, tt := range []struct {
		name string
		want int
	}{{"DSA", 5406}, {"DLA", 3534}, {"DTSA", 208}} {
		t.Run(tt.name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tt.name, "list"))
			if err != nil {
				t.Fatal(err)
			}
			if !(List{}).Detect("list", data[:200]) {
				t.Error("Detect rejected a real list")
			}
			got, err := ParseList(data)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.want {
				t.Errorf("%d entries, want %d", len(got), tt.want)
			}
		})
	}
}

func TestParseListEntry(t *testing.T) {
	dir := testutil.SharedDir(t, "vulndata", "debian-security-tracker", "2023-04-01")
	data, err := os.ReadFile(filepath.Join(dir, "DSA", "list"))
	if err != nil {
		t.Fatal(err)
	}
	all, err := ParseList(data)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]vulndb.Vulnerability{}
	for _, v := range all {
		byID[v.ID] = v
	}
	got := byID["DSA-5365-1"]
	got.References = nil
	want := vulndb.Vulnerability{
		ID: "DSA-5365-1", Summary: "curl - security update", Aliases: []string{"CVE-2023-23916"},
		Published: got.Published, Modified: got.Modified,
		Affected: []vulndb.Affected{{
			Package: vulndb.Package{Ecosystem: "Debian:11", Name: "curl", PURL: "pkg:deb/debian/curl"},
			Ranges:  []vulndb.Range{{Type: "ECOSYSTEM", Events: []vulndb.Event{{Introduced: "0"}, {Fixed: "7.74.0-1.3+deb11u7"}}}},
		}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DSA-5365-1 (-want +got):\n%s", diff)
	}
	if got.Published.Format("2006-01-02") != "2023-02-27" {
		t.Errorf("published %v, want 2023-02-27", got.Published)
	}
	// An old entry with several releases, and one with <not-affected>.
	if n := len(byID["DSA-1571-1"].Affected); n == 0 {
		t.Errorf("DSA-1571-1 (openssl, etch) has no affected package")
	}
}

func TestParseListSnippets(t *testing.T) {
	tests := []struct {
		name, in string
		want     []vulndb.Affected
	}{
		{"not-affected and eol add nothing", "[01 Jan 2010] DSA-1-1 foo - x\n\t[lenny] - foo <not-affected> (Vulnerable code not present)\n\t[etch] - foo <end-of-life>\n", nil},
		{"unfixed is open", "[01 Jan 2010] DSA-2-1 bar - x\n\t[lenny] - bar <unfixed>\n", []vulndb.Affected{{
			Package: vulndb.Package{Ecosystem: "Debian:5", Name: "bar", PURL: "pkg:deb/debian/bar"},
			Ranges:  []vulndb.Range{{Type: "ECOSYSTEM", Events: []vulndb.Event{{Introduced: "0"}}}},
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseList([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got[0].Affected); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if _, err := ParseList([]byte("garbage before a header\n")); err == nil {
		t.Error("ParseList accepted text before any header")
	}
}

func TestParseJSON(t *testing.T) {
	data, err := os.ReadFile("testdata/tracker.json")
	if err != nil {
		t.Fatal(err)
	}
	if !(JSON{}).Detect("tracker.json", data) {
		t.Fatal("Detect rejected the tracker export")
	}
	recs, err := ParseJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ ID, Eco, Pkg, Fixed, Urgency string }
	var got []row
	for _, v := range recs {
		for _, a := range v.Affected {
			var es EcosystemSpecific
			json.Unmarshal(a.EcosystemSpecific, &es)
			fixed := ""
			for _, e := range a.Ranges[0].Events {
				fixed += e.Fixed
			}
			got = append(got, row{v.ID, a.Package.Ecosystem, a.Package.Name, fixed, es.Urgency})
		}
	}
	want := []row{
		{"CVE-2007-2768", "Debian:12", "openssl", "", "unimportant"},
		{"CVE-2023-38039", "Debian:12", "curl", "7.88.1-10+deb12u1", "medium"},
		{"CVE-2023-46218", "Debian:12", "curl", "7.88.1-10+deb12u5", "medium"},
		{"CVE-2023-46218", "Debian:11", "curl", "7.74.0-1.3+deb11u11", "medium"},
		{"CVE-2023-5678", "Debian:12", "openssl", "3.0.11-1~deb12u2", "not yet assigned"},
		{"CVE-2023-5678", "Debian:11", "openssl", "1.1.1w-0+deb11u2", "not yet assigned"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func FuzzParseList(f *testing.F) {
	f.Add([]byte("[29 Mar 2023] DSA-5380-1 xorg-server - security update\n\t{CVE-2023-1393}\n\t[bullseye] - xorg-server 2:1.20.11-1+deb11u6\n"))
	f.Add([]byte("[September 9th, 2007] DTSA-57-1 gforge - sql injection\n\t[lenny] - x <unfixed>\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, err := ParseList(b)
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

func FuzzParseJSON(f *testing.F) {
	f.Add([]byte(`{"curl": {"CVE-1": {"releases": {"bookworm": {"status": "resolved", "fixed_version": "1.0"}}}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, err := ParseJSON(b)
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
