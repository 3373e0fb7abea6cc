package match

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/internal/testutil"
	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/vulndb"
	"github.com/sluice-dev/sluice/vulndb/importer"
	"github.com/sluice-dev/sluice/vulndb/importer/feeds"
)

// buildDB imports real feed files into a fresh database and opens it.
func buildDB(t testing.TB, paths ...string) *vulndb.Store {
	t.Helper()
	s := openStore(t, buildDBFile(t, paths...))
	t.Cleanup(func() { s.Close() })
	return s
}

// buildDBFile imports real feed files into a fresh database file.
func buildDBFile(t testing.TB, paths ...string) string {
	t.Helper()
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "sluice.db")
	b, err := vulndb.Create(ctx, db, vulndb.BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := importer.Run(ctx, b, feeds.All(), paths, importer.Options{}); err != nil {
		b.Abort()
		t.Fatal(err)
	}
	if err := b.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// openStore opens a database file; the caller closes it.
func openStore(t testing.TB, path string) *vulndb.Store {
	t.Helper()
	s, err := vulndb.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// readAPK reads the P (name), V (version) and o (origin) fields of an apk
// installed database: just what matching needs (the apk cataloger proper
// lives in inventory/apk).
func readAPK(t testing.TB, path string) []inventory.Package {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []inventory.Package
	var cur inventory.Package
	flush := func() {
		if cur.Name != "" {
			cur.Ecosystem, cur.Type = inventory.Alpine, "apk"
			cur.PURL = "pkg:apk/alpine/" + cur.Name + "@" + cur.Version
			cur.Locations = []inventory.Location{{Path: "lib/apk/db/installed"}}
			out = append(out, cur)
		}
		cur = inventory.Package{}
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			flush()
			continue
		}
		k, v, _ := strings.Cut(line, ":")
		switch k {
		case "P":
			cur.Name = v
		case "V":
			cur.Version = v
		case "o":
			cur.Source = &inventory.SourcePackage{Name: v, Version: cur.Version}
		}
	}
	flush()
	return out
}

type pr struct{ Pkg, Rule string }

func pairs(fs []finding.Finding) []pr {
	var out []pr
	for _, f := range fs {
		out = append(out, pr{f.Package.Name, f.Rule})
	}
	slices.SortFunc(out, func(a, b pr) int { return strings.Compare(a.Pkg+" "+a.Rule, b.Pkg+" "+b.Rule) })
	return out
}

// TestAlpine318 matches the real Alpine 3.18 installed database against the
// real secdb. The database has no v3.18 secdb (only edge), so matching falls
// back to edge and says so in a note.
func TestAlpine318(t *testing.T) {
	db := buildDB(t, testutil.SharedDir(t, "vulndata", "samples", "alpine-secdb"))
	inv := inventory.Inventory{
		Distro:   &inventory.Distro{ID: "alpine", VersionID: "3.18.0"},
		Packages: readAPK(t, testutil.SharedDir(t, "fixtures", "pkgdb", "apk", "scalibr", "installed")),
	}
	res, err := Match(context.Background(), inv, db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var want []pr
	// openssl 3.1.0-r4: every edge fix after 3.1.0-r4 (CVE-2023-1255, fixed
	// in 3.1.0-r4 itself, is not reported).
	for _, pkg := range []string{"libcrypto3", "libssl3"} {
		for _, c := range []string{"CVE-2023-2650", "CVE-2023-2975", "CVE-2023-3446", "CVE-2023-3817", "CVE-2023-5363", "CVE-2023-5678", "CVE-2023-6129", "CVE-2023-6237", "CVE-2024-0727"} {
			want = append(want, pr{pkg, c})
		}
	}
	// busybox 1.36.0-r9: CVE-2022-48174, fixed in 1.36.1-r2.
	for _, pkg := range []string{"busybox", "busybox-binsh", "ssl_client"} {
		want = append(want, pr{pkg, "CVE-2022-48174"})
	}
	slices.SortFunc(want, func(a, b pr) int { return strings.Compare(a.Pkg+" "+a.Rule, b.Pkg+" "+b.Rule) })
	if diff := cmp.Diff(want, pairs(res.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if len(res.Notes) == 0 || !strings.Contains(res.Notes[0].Message, "Alpine:edge") {
		t.Errorf("notes %v, want the edge fallback explained", res.Notes)
	}
	f := res.Findings[slices.IndexFunc(res.Findings, func(f finding.Finding) bool { return f.Package.Name == "libssl3" && f.Rule == "CVE-2023-2650" })]
	wantEv := []finding.Evidence{
		{Name: "package", Value: "Alpine:v3.18/openssl 3.1.0-r4 (origin of libssl3; matched against Alpine:edge)"},
		{Name: "advisory", Value: "alpine-secdb:edge/main CVE-2023-2650: ECOSYSTEM range introduced 0, fixed 3.1.1-r0"},
		{Name: "severity", Value: "none: no distro rating or CVSS vector in the advisories"},
	}
	if diff := cmp.Diff(wantEv, f.Evidence); diff != "" {
		t.Errorf("evidence (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(&finding.Fix{Versions: []string{"3.1.1-r0"}}, f.Fix); diff != "" {
		t.Errorf("fix (-want +got):\n%s", diff)
	}
}

// TestAlpine316 is the real Alpine 3.16 database (openssl 1.1.1q): busybox
// 1.35.0-r17 is exactly the CVE-2022-30065 fix, zlib 1.2.12-r3 is past the
// CVE-2022-37434 fix (1.2.12-r2).
func TestAlpine316(t *testing.T) {
	db := buildDB(t, testutil.SharedDir(t, "vulndata", "samples", "alpine-secdb"))
	inv := inventory.Inventory{
		Distro:   &inventory.Distro{ID: "alpine", VersionID: "3.16.2"},
		Packages: readAPK(t, testutil.SharedDir(t, "fixtures", "pkgdb", "apk", "syft-multiple-2", "installed")),
	}
	res, err := Match(context.Background(), inv, db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := pairs(res.Findings)
	for _, p := range []pr{{"busybox", "CVE-2022-48174"}, {"libssl1.1", "CVE-2023-0286"}} {
		if !slices.Contains(got, p) {
			t.Errorf("missing %v", p)
		}
	}
	for _, p := range []pr{{"busybox", "CVE-2022-30065"}, {"zlib", "CVE-2022-37434"}, {"libssl1.1", "CVE-2021-3711"}} {
		if slices.Contains(got, p) {
			t.Errorf("reported %v, which the installed version fixes", p)
		}
	}
}

// TestAlmaLinux matches real AlmaLinux 9 package versions — each one
// release before an advisory's own fixed version, or exactly the fix —
// against the real AlmaLinux OSV records (no AlmaLinux rpmdb is available).
func TestAlmaLinux(t *testing.T) {
	db := buildDB(t, testutil.SharedDir(t, "vulndata", "samples", "osv", "AlmaLinux"))
	rpm := func(name, ver string) inventory.Package {
		return inventory.Package{Name: name, Version: ver, Ecosystem: inventory.AlmaLinux, Type: "rpm"}
	}
	inv := inventory.Inventory{
		Distro: &inventory.Distro{ID: "almalinux", VersionID: "9.6"},
		Packages: []inventory.Package{
			rpm("openssl-libs", "1:3.5.5-3.el9_8"),                   // fixed in 1:3.5.5-4.el9_8
			rpm("glibc", "2.34-273.el9_8"),                           // fixed in 2.34-274.el9_8
			rpm("openssh", "9.9p1-8.el9_8"),                          // fixed in 9.9p1-9.el9_8.alma.1
			rpm("curl", "7.76.1-40.el9_8.4"),                         // fixed in 7.76.1-40.el9_8.5
			rpm("libcurl", "7.76.1-40.el9_8.5"),                      // the fix itself
			rpm("compat-libpthread-nonshared", "2.28-251.el8_10.39"), // only in AlmaLinux:8 advisories
		},
	}
	res, err := Match(context.Background(), inv, db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Pkg, Rule string
		Sev       finding.Severity
		Fix       string
	}
	var got []row
	for _, f := range res.Findings {
		got = append(got, row{f.Package.Name, f.Rule, f.Severity, strings.Join(f.Fix.Versions, ",")})
	}
	slices.SortFunc(got, func(a, b row) int { return strings.Compare(a.Pkg, b.Pkg) })
	want := []row{
		{"curl", "ALSA-2026:55439", finding.SeverityHigh, "7.76.1-40.el9_8.5"},
		{"glibc", "ALSA-2026:42952", finding.SeverityMedium, "2.34-274.el9_8"},
		{"openssh", "ALSA-2026:47756", finding.SeverityHigh, "9.9p1-9.el9_8.alma.1"},
		{"openssl-libs", "ALSA-2026:25239", finding.SeverityHigh, "1:3.5.5-4.el9_8"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if res.Findings[0].SeveritySource == "" || !strings.HasPrefix(res.Findings[0].SeveritySource, "distro:") {
		t.Errorf("severity source %q, want the distro's rating", res.Findings[0].SeveritySource)
	}
}

// debianLists returns the real DSA and DLA lists, or in -short mode their
// verbatim excerpts in vulndata/samples (same entries for the packages tested).
func debianLists(t *testing.T) []string {
	if testing.Short() {
		dir := testutil.SharedDir(t, "vulndata", "samples", "debian-security-tracker")
		return []string{"debian-list:" + filepath.Join(dir, "DSA-list-excerpt"), "debian-list:" + filepath.Join(dir, "DLA-list-excerpt")}
	}
	dir := testutil.SharedDir(t, "vulndata", "debian-security-tracker", "2023-04-01")
	return []string{filepath.Join(dir, "DSA", "list"), filepath.Join(dir, "DLA", "list")}
}

// TestDebianBullseye matches bullseye-era versions against the real DSA and
// DLA lists, by source package.
func TestDebianBullseye(t *testing.T) {
	db := buildDB(t, debianLists(t)...)
	deb := func(name, src, ver string) inventory.Package {
		return inventory.Package{Name: name, Version: ver, Ecosystem: inventory.Debian, Type: "deb",
			Source: &inventory.SourcePackage{Name: src, Version: ver}}
	}
	inv := inventory.Inventory{
		Distro: &inventory.Distro{ID: "debian", VersionID: "11", Codename: "bullseye"},
		Packages: []inventory.Package{
			deb("libcurl4", "curl", "7.74.0-1.3+deb11u3"),
			deb("libssl1.1", "openssl", "1.1.1n-0+deb11u3"),
			deb("zlib1g", "zlib", "1:1.2.11.dfsg-2+deb11u1"),
			deb("sudo", "sudo", "1.9.5p2-3"),
		},
	}
	res, err := Match(context.Background(), inv, db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := pairs(res.Findings)
	for _, p := range []pr{
		{"libcurl4", "CVE-2023-23916"}, // DSA-5365-1, one CVE: reported under it
		{"libcurl4", "DSA-5330-1"},     // a two-CVE bulletin with no other source
		{"libssl1.1", "DSA-5343-1"},
		{"zlib1g", "CVE-2022-37434"},
		{"sudo", "CVE-2023-22809"},
	} {
		if !slices.Contains(got, p) {
			t.Errorf("missing %v; got %v", p, got)
		}
	}
	for _, p := range []pr{{"libcurl4", "DSA-5197-1"}, {"libssl1.1", "CVE-2022-2068"}, {"zlib1g", "CVE-2018-25032"}} {
		if slices.Contains(got, p) {
			t.Errorf("reported %v, fixed at or before the installed version", p)
		}
	}
	i := slices.IndexFunc(res.Findings, func(f finding.Finding) bool { return f.Rule == "CVE-2023-23916" })
	f := res.Findings[i]
	if diff := cmp.Diff([]string{"DSA-5365-1"}, f.Aliases); diff != "" {
		t.Errorf("aliases (-want +got):\n%s", diff)
	}
	if f.Package.SourceName != "curl" || f.Evidence[0].Value != "Debian:11/curl 7.74.0-1.3+deb11u3 (source package of libcurl4)" {
		t.Errorf("identity evidence %q", f.Evidence[0].Value)
	}
	if f.Published.IsZero() {
		t.Error("published date missing")
	}
}

// TestLanguageEcosystems checks the osv-scanner v2.2.2 results recorded in
// the vulndata README on the same real OSV zips.
func TestLanguageEcosystems(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the Go, PyPI and crates.io zips")
	}
	dir := testutil.SharedDir(t, "vulndata", "osv")
	db := buildDB(t, filepath.Join(dir, "Go"), filepath.Join(dir, "PyPI"), filepath.Join(dir, "crates.io"))
	inv := inventory.Inventory{Packages: []inventory.Package{
		{Name: "golang.org/x/net", Version: "v0.7.0", Ecosystem: inventory.Go, Type: "go-module"},
		{Name: "gopkg.in/yaml.v2", Version: "v2.2.2", Ecosystem: inventory.Go, Type: "go-module"},
		{Name: "Requests", Version: "2.25.0", Ecosystem: inventory.PyPI, Type: "python"},
		{Name: "django", Version: "3.2.0", Ecosystem: inventory.PyPI, Type: "python"},
		{Name: "smallvec", Version: "1.6.0", Ecosystem: inventory.CratesIO, Type: "rust-crate"},
	}}
	res, err := Match(context.Background(), inv, db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	per := map[string]int{}
	ids := map[string]bool{}
	for _, f := range res.Findings {
		per[f.Package.Name]++
		ids[f.Rule] = true
		for _, a := range f.Aliases {
			ids[a] = true
		}
	}
	// django: 25 advisories. osv-scanner v2.2.2 reports 24 (README and
	// bench/vuln/run.sh): it misses PYSEC-2022-304, whose ECOSYSTEM range
	// [3.2, 3.2.16) holds 3.2.0 (PEP 440: 3.2.0 == 3.2); that record lists a
	// GIT range first and "3.2" but not "3.2.0" in its versions list.
	want := map[string]int{"golang.org/x/net": 16, "gopkg.in/yaml.v2": 3, "Requests": 1, "django": 25, "smallvec": 1}
	if diff := cmp.Diff(want, per); diff != "" {
		t.Errorf("findings per package (-osv-scanner +sluice):\n%s", diff)
	}
	for _, f := range res.Findings {
		if slices.Contains(f.Aliases, "PYSEC-2022-304") && f.Evidence[1].Value != "osv:PyPI PYSEC-2022-304: ECOSYSTEM range introduced 3.2, fixed 3.2.16" {
			t.Errorf("PYSEC-2022-304 evidence %q", f.Evidence[1].Value)
		}
	}
	for _, id := range []string{"GO-2023-2102", "PYSEC-2023-74", "RUSTSEC-2021-0003", "PYSEC-2022-304"} {
		if !ids[id] {
			t.Errorf("%s not reported", id)
		}
	}
}

// TestDebianTrackerSeverity uses the tracker JSON export (a small file in
// the documented format: no real export is available offline) with the real
// DSA list: the tracker's urgency is the severity, "unimportant" is info,
// fixed_version "0" means not affected, and the DSA and the tracker's CVE
// record merge into one finding.
func TestDebianTrackerSeverity(t *testing.T) {
	db := buildDB(t, append(debianLists(t), "debian-json:../vulndb/importer/debian/testdata/tracker.json")...)
	deb := func(name, src, ver string) inventory.Package {
		return inventory.Package{Name: name, Version: ver, Ecosystem: inventory.Debian, Type: "deb",
			Source: &inventory.SourcePackage{Name: src, Version: ver}}
	}
	type row struct {
		Pkg, Rule string
		Sev       finding.Severity
		SevSrc    string
		Fixed     bool
	}
	collect := func(inv inventory.Inventory, rules ...string) []row {
		res, err := Match(context.Background(), inv, db, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var out []row
		for _, f := range res.Findings {
			if slices.Contains(rules, f.Rule) {
				out = append(out, row{f.Package.Name, f.Rule, f.Severity, f.SeveritySource, f.Fix != nil})
			}
		}
		return out
	}
	bullseye := inventory.Inventory{Distro: &inventory.Distro{ID: "debian", VersionID: "11"},
		Packages: []inventory.Package{deb("libcurl4", "curl", "7.74.0-1.3+deb11u3")}}
	got := collect(bullseye, "CVE-2023-46218", "CVE-2023-38039")
	want := []row{{"libcurl4", "CVE-2023-46218", finding.SeverityMedium, "distro: debian-tracker urgency medium", true}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("bullseye (-want +got):\n%s", diff)
	}
	bookworm := inventory.Inventory{Distro: &inventory.Distro{ID: "debian", VersionID: "12"},
		Packages: []inventory.Package{deb("libssl3", "openssl", "3.0.11-1~deb12u1"), deb("curl", "curl", "7.88.1-10+deb12u4")}}
	got = collect(bookworm, "CVE-2007-2768", "CVE-2023-5678", "CVE-2023-38039", "CVE-2023-46218")
	want = []row{
		{"curl", "CVE-2023-46218", finding.SeverityMedium, "distro: debian-tracker urgency medium", true},
		{"libssl3", "CVE-2007-2768", finding.SeverityInfo, "distro: debian-tracker urgency unimportant", false},
		{"libssl3", "CVE-2023-5678", finding.SeverityUnknown, "none: no distro rating or CVSS vector in the advisories", true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("bookworm (-want +got):\n%s", diff)
	}
}

// readDpkgStatus reads Package, Version and Source ("name" or "name (ver)")
// of a dpkg status file: just what matching needs (the dpkg cataloger proper
// lives in inventory/dpkg).
func readDpkgStatus(t testing.TB, path string) []inventory.Package {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []inventory.Package
	for _, stanza := range strings.Split(string(data), "\n\n") {
		var p inventory.Package
		src := ""
		for _, line := range strings.Split(stanza, "\n") {
			k, v, _ := strings.Cut(line, ": ")
			switch k {
			case "Package":
				p.Name = v
			case "Version":
				p.Version = v
			case "Source":
				src = v
			}
		}
		if p.Name == "" {
			continue
		}
		p.Ecosystem, p.Type = inventory.Debian, "deb"
		s := inventory.SourcePackage{Name: p.Name, Version: p.Version}
		if src != "" {
			name, ver, ok := strings.Cut(src, " (")
			s.Name = name
			if ok {
				s.Version = strings.TrimSuffix(ver, ")")
			}
		}
		p.Source = &s
		out = append(out, p)
	}
	return out
}

// TestDebianBookwormSourceMapping maps the real bookworm status file's
// binary packages to source packages and versions (binNMU "+bN" suffixes
// and epochs as the Source field gives them), then matches the tracker JSON.
func TestDebianBookwormSourceMapping(t *testing.T) {
	pkgs := readDpkgStatus(t, testutil.SharedDir(t, "fixtures", "pkgdb", "dpkg", "debian-12-app", "status"))
	distro := &inventory.Distro{ID: "debian", VersionID: "12"}
	ids := map[string]Identity{}
	for _, p := range pkgs {
		id, err := Identify(p, distro)
		if err != nil {
			t.Fatal(err)
		}
		ids[p.Name] = id
	}
	for bin, want := range map[string][2]string{
		"libssl3": {"openssl", ids["libssl3"].Version},
		"bash":    {"bash", "5.2.15-2"},            // binary 5.2.15-2+b13: a binNMU of source 5.2.15-2
		"libcap2": {"libcap2", "1:2.66-4+deb12u3"}, // the source version keeps its epoch
	} {
		got := ids[bin]
		if got.Ecosystem != "Debian:12" || got.Name != want[0] || got.Version != want[1] {
			t.Errorf("%s: identity %v, want Debian:12/%s %s", bin, got, want[0], want[1])
		}
	}
	db := buildDB(t, "debian-json:../vulndb/importer/debian/testdata/tracker.json")
	res, err := Match(context.Background(), inventory.Inventory{Distro: distro, Packages: pkgs}, db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := pairs(res.Findings)
	// openssl in the image is newer than the CVE-2023-5678 fix; the open,
	// unimportant CVE-2007-2768 applies to every openssl binary package.
	for _, p := range got {
		if p.Rule == "CVE-2023-5678" {
			t.Errorf("reported %v although the installed openssl is past the fix", p)
		}
	}
	if !slices.Contains(got, pr{"libssl3", "CVE-2007-2768"}) {
		t.Errorf("libssl3 CVE-2007-2768 (open) missing: %v", got)
	}
}
