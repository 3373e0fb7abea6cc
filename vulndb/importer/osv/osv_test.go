package osv

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/internal/testutil"
	"github.com/sluice-dev/sluice/vulndb"
	"github.com/sluice-dev/sluice/vulndb/importer"
	"github.com/sluice-dev/sluice/vulndb/importer/internal/importertest"
)

// importAll runs the importer over paths into a fresh database.
func importAll(t testing.TB, paths ...string) (importer.Stats, *vulndb.Store) {
	t.Helper()
	st, s, _ := importertest.Import(t, []importer.Importer{Importer{}}, paths...)
	return st, s
}

func TestImportSamples(t *testing.T) {
	dir := testutil.SharedDir(t, "vulndata", "samples", "osv")
	st, s := importAll(t, dir)
	want := map[string]int{"osv:AlmaLinux": 8, "osv:Go": 10, "osv:PyPI": 8, "osv:crates.io": 8}
	if diff := cmp.Diff(want, st.Sources); diff != "" {
		t.Errorf("records per source (-want +got):\n%s", diff)
	}
	if st.Skipped != 0 {
		t.Errorf("skipped %d: %v", st.Skipped, st.SkipExamples)
	}
	advs, err := s.Lookup(context.Background(), "AlmaLinux:8", "glibc")
	if err != nil {
		t.Fatal(err)
	}
	if len(advs) == 0 || advs[0].Affected[0].Ranges[0].Events[1].Fixed == "" {
		t.Errorf("AlmaLinux:8 glibc: %d advisories, want ALSA records with fixed versions", len(advs))
	}
}

// TestImportAllZips imports the whole real OSV zips: every record must
// convert, and the counts must match the vulndata README.
func TestImportAllZips(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 13.8k real advisories")
	}
	dir := testutil.SharedDir(t, "vulndata", "osv")
	st, _ := importAll(t, dir)
	want := map[string]int{"osv:AlmaLinux": 5637, "osv:Go": 4291, "osv:PyPI": 2661, "osv:crates.io": 1206}
	if diff := cmp.Diff(want, st.Sources); diff != "" {
		t.Errorf("records per source (-want +got):\n%s", diff)
	}
	if st.Skipped != 0 {
		t.Errorf("skipped %d: %v", st.Skipped, st.SkipExamples)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, in string }{
		{"not json", `{"id": `},
		{"no id", `{"modified": "2024-01-01T00:00:00Z"}`},
		{"bad time", `{"id": "X-1", "modified": "yesterday"}`},
		{"two events in one", `{"id": "X-1", "affected": [{"package": {"ecosystem": "Go", "name": "x"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0", "fixed": "1.0.0"}]}]}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse([]byte(tt.in)); err == nil {
				t.Error("Parse accepted it")
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"id": "GO-1", "modified": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "Go", "name": "x"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.0.0"}]}]}]}`))
	f.Add([]byte(`[{"id": "A"}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := Parse(b)
		if err == nil && v.ID == "" {
			t.Error("accepted a record without id")
		}
	})
}
