package vulndb

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sluice-dev/sluice/internal/testutil"
)

func loadSamples(t *testing.T, eco string) []Vulnerability {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(testutil.SharedDir(t, "vulndata", "samples", "osv", eco), "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no samples for %s: %v", eco, err)
	}
	var out []Vulnerability
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v Vulnerability
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, v)
	}
	return out
}

var fixedNow = func() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) }

func build(t *testing.T, path string, base string, recs map[string][]Vulnerability) {
	t.Helper()
	ctx := context.Background()
	b, err := Create(ctx, path, BuildOptions{Base: base, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	for src, vs := range recs {
		for i := range vs {
			if err := b.Add(ctx, src, &vs[i]); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := b.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestStoreLookup(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sluice.db")
	build(t, path, "", map[string][]Vulnerability{"osv:Go": loadSamples(t, "Go"), "osv:PyPI": loadSamples(t, "PyPI")})
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	tests := []struct {
		name, eco, pkg string
		want           []string
	}{
		{"go module", "Go", "golang.org/x/net", []string{"GO-2023-2102", "GO-2026-5942"}},
		{"go stdlib", "Go", "stdlib", []string{"GO-2023-2102", "GO-2026-5942", "GO-2026-6218"}},
		{"pypi normalised name", "PyPI", "Requests", []string{"PYSEC-2023-74"}},
		{"unknown package", "Go", "example.com/none", nil},
		{"wrong ecosystem", "npm", "requests", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			advs, err := s.Lookup(ctx, tt.eco, tt.pkg)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range advs {
				got = append(got, a.ID)
				for _, af := range a.Affected {
					if NormalizeName(tt.eco, af.Package.Name) != NormalizeName(tt.eco, tt.pkg) {
						t.Errorf("%s: affected entry for %s leaked into lookup of %s", a.ID, af.Package.Name, tt.pkg)
					}
				}
			}
			slices.Sort(got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Lookup(%s, %s) IDs (-want +got):\n%s", tt.eco, tt.pkg, diff)
			}
		})
	}

	info := s.Info()
	var srcs []string
	for _, si := range info.Sources {
		srcs = append(srcs, si.Name)
		if si.Records == 0 || si.Modified.IsZero() {
			t.Errorf("source %s: records %d modified %v, want both set", si.Name, si.Records, si.Modified)
		}
	}
	if diff := cmp.Diff([]string{"osv:Go", "osv:PyPI"}, srcs); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
	if !info.Built.Equal(fixedNow()) || info.SchemaVersion != SchemaVersion {
		t.Errorf("built %v schema %d", info.Built, info.SchemaVersion)
	}

	got, err := s.Get(ctx, "CVE-2023-39325")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != "GO-2023-2102" || len(got[0].Affected) < 2 {
		t.Errorf("Get(CVE-2023-39325) = %d advisories, want GO-2023-2102 with all affected entries", len(got))
	}
}

func TestStoreRebuildKeepsOtherSources(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "sluice.db")
	build(t, path, "", map[string][]Vulnerability{"osv:Go": loadSamples(t, "Go"), "osv:PyPI": loadSamples(t, "PyPI")})
	// Re-import Go with one record only: Go is replaced, PyPI kept.
	goRecs := loadSamples(t, "Go")[:1]
	build(t, path, path, map[string][]Vulnerability{"osv:Go": goRecs})
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := map[string]int{}
	for _, si := range s.Info().Sources {
		got[si.Name] = si.Records
	}
	if diff := cmp.Diff(map[string]int{"osv:Go": 1, "osv:PyPI": len(loadSamples(t, "PyPI"))}, got); diff != "" {
		t.Errorf("records per source (-want +got):\n%s", diff)
	}
	// The ecosystems list is rewritten at every commit, from all sources.
	ecos, err := s.Ecosystems(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Go", "PyPI"}, ecos); diff != "" {
		t.Errorf("ecosystems (-want +got):\n%s", diff)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(m) != 0 {
		t.Errorf("temporary files left behind: %v", m)
	}
}

func TestAbortKeepsOldDatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "sluice.db")
	build(t, path, "", map[string][]Vulnerability{"osv:Go": loadSamples(t, "Go")})
	before, _ := os.ReadFile(path)
	b, err := Create(ctx, path, BuildOptions{Base: path})
	if err != nil {
		t.Fatal(err)
	}
	v := loadSamples(t, "PyPI")[0]
	if err := b.Add(ctx, "osv:PyPI", &v); err != nil {
		t.Fatal(err)
	}
	bad := Vulnerability{ID: "BAD-1", Affected: []Affected{{Package: Package{Ecosystem: "Go", Name: "x"}, Ranges: []Range{{Type: "SEMVER", Events: []Event{{Introduced: "0", Fixed: "1"}}}}}}}
	if err := b.Add(ctx, "osv:PyPI", &bad); err == nil {
		t.Fatal("Add accepted an event with two fields")
	}
	b.Abort()
	after, _ := os.ReadFile(path)
	if !slices.Equal(before, after) {
		t.Error("aborted build changed the database")
	}
	if m, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(m) != 0 {
		t.Errorf("temporary files left behind: %v", m)
	}
}

// TestOtherSchemaIsAnError: a database of another layout is refused with
// an error saying which and what to do, and is not used as a build's base.
func TestOtherSchemaIsAnError(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		version string
		want    error
		hint    string
	}{
		{"99", ErrNewerSchema, "upgrade sluice"},
		{"1", ErrOlderSchema, "sluice db import --replace"},
	} {
		t.Run(tt.version, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "sluice.db")
			build(t, path, "", map[string][]Vulnerability{"osv:Go": loadSamples(t, "Go")[:1]})
			db, err := openDB(path, false)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(`UPDATE meta SET value = ? WHERE key = 'schema_version'`, tt.version); err != nil {
				t.Fatal(err)
			}
			db.Close()
			_, err = Open(ctx, path)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.hint) {
				t.Fatalf("Open of a schema-%s database: err = %v, want %v saying %q", tt.version, err, tt.want, tt.hint)
			}
			if _, err := Create(ctx, path, BuildOptions{Base: path}); !errors.Is(err, tt.want) {
				t.Fatalf("Create on a schema-%s base: err = %v, want %v", tt.version, err, tt.want)
			}
		})
	}
}

func TestExportRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "sluice.db")
	build(t, path, "", map[string][]Vulnerability{"osv:crates.io": loadSamples(t, "crates.io")})
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out := filepath.Join(dir, "copy.db")
	if err := s.Export(ctx, out); err != nil {
		t.Fatal(err)
	}
	c, err := Open(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var a, b []string
	s.All(ctx, func(x Advisory) error { a = append(a, x.ID); return nil })
	c.All(ctx, func(x Advisory) error { b = append(b, x.ID); return nil })
	if diff := cmp.Diff(a, b); diff != "" || len(a) == 0 {
		t.Errorf("exported copy differs (-orig +copy):\n%s", diff)
	}
}

func TestNormalizeName(t *testing.T) {
	tests := []struct{ eco, in, want string }{
		{"PyPI", "Django", "django"},
		{"PyPI", "zope.interface", "zope-interface"},
		{"PyPI", "typing__extensions", "typing-extensions"},
		{"Go", "github.com/Foo/Bar", "github.com/Foo/Bar"},
	}
	for _, tt := range tests {
		if got := NormalizeName(tt.eco, tt.in); got != tt.want {
			t.Errorf("NormalizeName(%s, %s) = %q, want %q", tt.eco, tt.in, got, tt.want)
		}
	}
}

// TestRoundTrip stores real records and reads them back whole: the split
// storage of affected entries loses nothing (ranges may come back in another
// order: compact ECOSYSTEM/SEMVER ranges first).
func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	recs := map[string][]Vulnerability{}
	var all []Vulnerability
	for _, eco := range []string{"AlmaLinux", "Go", "PyPI", "crates.io"} {
		vs := loadSamples(t, eco)
		recs["osv:"+eco] = vs
		all = append(all, loadSamples(t, eco)...)
	}
	path := filepath.Join(t.TempDir(), "sluice.db")
	build(t, path, "", recs)
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	norm := func(v Vulnerability) any {
		for i := range v.Affected {
			slices.SortStableFunc(v.Affected[i].Ranges, func(a, b Range) int { return strings.Compare(a.Type, b.Type) })
		}
		b, _ := json.Marshal(v)
		var x any
		json.Unmarshal(b, &x)
		return x
	}
	for _, want := range all {
		got, err := s.Get(ctx, want.ID)
		if err != nil || len(got) != 1 {
			t.Fatalf("Get(%s): %d, %v", want.ID, len(got), err)
		}
		if diff := cmp.Diff(norm(want), norm(got[0].Vulnerability)); diff != "" {
			t.Errorf("%s round trip (-want +got):\n%s", want.ID, diff)
		}
	}
}
