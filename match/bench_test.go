package match

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/internal/testutil"
	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/version"
	"github.com/sluice-dev/sluice/vulndb"
)

// inventoryMixed is a realistic 1,000-package image inventory over every
// kind of data in vulndata: the real package databases of a Debian image
// (145 packages) and two Alpine images (29), plus AlmaLinux 9 RPMs and Go,
// npm, PyPI and crates.io packages named as in the advisory feeds, each at
// the middle one of its advisories' fixed versions (an image that is
// behind, but not absurdly: about half of each package's advisories apply).
//
// The fixtures' distros have no advisories of their own release in
// vulndata (no bookworm tracker data; secdb only up to v3.11 and edge), so
// the Debian packages are matched as bullseye, where the DSA/DLA lists
// have data, and the Alpine ones through the Alpine:edge fallback. Each
// carries its release in its ecosystem, which Identify accepts, so one
// inventory holds all three. There is no Maven advisory data in vulndata,
// so Maven packages would only measure an empty lookup and are left out.
func inventoryMixed(tb testing.TB, db *vulndb.Store) inventory.Inventory {
	ctx := context.Background()
	var inv inventory.Inventory
	for _, p := range readDpkgStatus(tb, testutil.SharedDir(tb, "fixtures", "pkgdb", "dpkg", "debian-12-app", "status")) {
		p.Ecosystem = inventory.Debian + ":11"
		inv.Packages = append(inv.Packages, p)
	}
	for _, fx := range []struct{ dir, release string }{{"scalibr", "v3.18"}, {"syft-multiple-2", "v3.16"}} {
		for _, p := range readAPK(tb, testutil.SharedDir(tb, "fixtures", "pkgdb", "apk", fx.dir, "installed")) {
			p.Ecosystem = inventory.Alpine + ":" + fx.release
			inv.Packages = append(inv.Packages, p)
		}
	}
	for _, part := range []struct {
		eco, dbEco, typ, low string
		n                    int
	}{
		{inventory.AlmaLinux + ":9", "AlmaLinux:9", "rpm", "0.1-1.el9", 126},
		{inventory.Go, "Go", "go-module", "0.0.1", 250},
		{inventory.NPM, "npm", "npm", "0.0.1", 200},
		{inventory.PyPI, "PyPI", "python", "0.1", 175},
		{inventory.CratesIO, "crates.io", "rust-crate", "0.1.0", 75},
	} {
		names, err := db.Names(ctx, part.dbEco, part.n)
		if err != nil {
			tb.Fatal(err)
		}
		if len(names) != part.n {
			tb.Fatalf("%s: %d package names in the database, want %d", part.dbEco, len(names), part.n)
		}
		for _, n := range names {
			v := middleFix(tb, db, part.dbEco, n, part.low)
			if part.eco == inventory.Go {
				v = "v" + v // as go.mod and Go binaries write it
			}
			inv.Packages = append(inv.Packages, inventory.Package{Name: n, Version: v, Ecosystem: part.eco, Type: part.typ})
		}
	}
	if len(inv.Packages) != 1000 {
		tb.Fatalf("built %d packages, want 1000", len(inv.Packages))
	}
	return inv
}

// middleFix is the middle one, in the ecosystem's order, of the fixed
// versions the package's advisories name, or low when they name none.
func middleFix(tb testing.TB, db *vulndb.Store, eco, name, low string) string {
	advs, err := db.Lookup(context.Background(), eco, name)
	if err != nil {
		tb.Fatal(err)
	}
	c, err := version.For(eco)
	if err != nil {
		tb.Fatal(err)
	}
	var fixes []string
	for _, a := range advs {
		for _, af := range a.Affected {
			for _, r := range af.Ranges {
				for _, e := range r.Events {
					if e.Fixed != "" && c.Valid(e.Fixed) == nil && !slices.Contains(fixes, e.Fixed) {
						fixes = append(fixes, e.Fixed)
					}
				}
			}
		}
	}
	if len(fixes) == 0 {
		return low
	}
	slices.SortFunc(fixes, func(a, b string) int {
		n, _ := c.Compare(a, b)
		return n
	})
	return fixes[len(fixes)/2]
}

// inventoryAt is the worst case: 1,000 packages of AlmaLinux, Go, PyPI and
// crates.io, every one at the given version (very old: most advisories
// apply; very new: none does).
func inventoryAt(tb testing.TB, db *vulndb.Store, alma, gov, py, crate string) inventory.Inventory {
	ctx := context.Background()
	inv := inventory.Inventory{Distro: &inventory.Distro{ID: "almalinux", VersionID: "9.4"}}
	for _, part := range []struct {
		eco, dbEco, ver string
		n               int
	}{
		{inventory.AlmaLinux, "AlmaLinux:9", alma, 400},
		{inventory.Go, "Go", gov, 300},
		{inventory.PyPI, "PyPI", py, 200},
		{inventory.CratesIO, "crates.io", crate, 100},
	} {
		names, err := db.Names(ctx, part.dbEco, part.n)
		if err != nil {
			tb.Fatal(err)
		}
		for _, n := range names {
			inv.Packages = append(inv.Packages, inventory.Package{Name: n, Version: part.ver, Ecosystem: part.eco})
		}
	}
	if len(inv.Packages) != 1000 {
		tb.Fatalf("built %d packages, want 1000", len(inv.Packages))
	}
	return inv
}

// benchInventories are the 1,000-package inventories the benchmark and
// the golden test match.
func benchInventories(tb testing.TB, db *vulndb.Store) []struct {
	name string
	inv  inventory.Inventory
} {
	return []struct {
		name string
		inv  inventory.Inventory
	}{
		{"mixed", inventoryMixed(tb, db)},
		// Every package at a very old version: ~4,200 findings.
		{"vulnerable", inventoryAt(tb, db, "0.1-1.el9", "v0.0.1", "0.1", "0.1.0")},
		// The same packages past every fix: the lookup cost alone.
		{"patched", inventoryAt(tb, db, "999:1-1.el9", "v99.0.0", "999", "999.0.0")},
	}
}

// BenchmarkMatch1000 matches 1,000 packages against a database imported
// from all of vulndata, as `sluice db import vulndata` builds it. Each
// iteration opens the database afresh (outside the timer), so ns/op is
// what one `sluice scan` pays for matching once the database is open,
// with no advisory decoded by an earlier iteration. The budget is 100 ms.
func BenchmarkMatch1000(b *testing.B) {
	path := buildDBFile(b, testutil.SharedDir(b, "vulndata"))
	ctx := context.Background()
	db := openStore(b, path)
	invs := benchInventories(b, db)
	db.Close()
	for _, bc := range invs {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var findings int
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				db := openStore(b, path)
				b.StartTimer()
				cpu0 := cpuTime()
				res, err := Match(ctx, bc.inv, db, Options{})
				if err != nil {
					b.Fatal(err)
				}
				cpu += cpuTime() - cpu0
				findings = len(res.Findings)
				b.StopTimer()
				db.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(findings), "findings")
			// CPU time of every goroutine (GC included); wall time on a
			// shared machine also counts other processes.
			b.ReportMetric(float64(cpu)/float64(b.N)/1e6, "cpu-ms/op")
		})
	}
}

// TestMatch1000 keeps the benchmark honest: the findings for each
// benchmark inventory are pinned in testdata/golden (one summary line per
// finding, then a digest of the full canonical JSON of the result, so a
// change to any evidence, message or order fails too), and one match must
// use under 400 ms of CPU: a loose bound, so a busy machine does not make
// it flaky; BenchmarkMatch1000 gives the real figure.
func TestMatch1000(t *testing.T) {
	if testing.Short() {
		t.Skip("imports all of vulndata")
	}
	path := buildDBFile(t, testutil.SharedDir(t, "vulndata"))
	db := openStore(t, path)
	invs := benchInventories(t, db)
	db.Close()
	for _, tc := range invs {
		t.Run(tc.name, func(t *testing.T) {
			db := openStore(t, path)
			defer db.Close()
			start, cpu0 := time.Now(), cpuTime()
			res, err := Match(context.Background(), tc.inv, db, Options{})
			if err != nil {
				t.Fatal(err)
			}
			took, cpu := time.Since(start), cpuTime()-cpu0
			t.Logf("1,000 packages: %d findings in %v wall, %v CPU", len(res.Findings), took, cpu)
			if cpu > 400*time.Millisecond {
				t.Errorf("matching 1,000 packages used %v of CPU", cpu)
			}
			testutil.Golden(t, "match1000-"+tc.name+".txt", summarize(t, res))
		})
	}
}

// summarize writes one line per finding (package, rule, aliases, severity,
// fix) and the notes, then the SHA-256 of the whole result as JSON.
func summarize(t *testing.T, res Result) []byte {
	var b strings.Builder
	for _, f := range res.Findings {
		var fix []string
		if f.Fix != nil {
			fix = f.Fix.Versions
		}
		fmt.Fprintf(&b, "%s %s %s\t%s [%s] %s fix=%s\n", f.Package.Ecosystem, f.Package.Name, f.Package.Version,
			f.Rule, strings.Join(f.Aliases, " "), f.Severity, strings.Join(fix, ","))
	}
	for _, n := range res.Notes {
		fmt.Fprintf(&b, "note %s: %s\n", n.Level, n.Message)
	}
	all, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "result sha256 %x\n", sha256.Sum256(all))
	return []byte(b.String())
}

// cpuTime is the CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestParallelMatchesSequential: matching ecosystems on several workers
// gives exactly what one worker gives. Small real samples, so it also runs
// under -race -short.
func TestParallelMatchesSequential(t *testing.T) {
	db := buildDB(t, testutil.SharedDir(t, "vulndata", "samples"))
	ctx := context.Background()
	var inv inventory.Inventory
	for _, part := range []struct{ eco, dbEco, ver string }{
		{inventory.AlmaLinux + ":9", "AlmaLinux:9", "0.1-1.el9"},
		{inventory.Go, "Go", "v0.0.1"},
		{inventory.PyPI, "PyPI", "0.1"},
		{inventory.CratesIO, "crates.io", "0.1.0"},
		{inventory.NPM, "npm", "0.0.1"},
		{inventory.Alpine + ":v3.18", "Alpine:edge", "0.1-r0"},
		{inventory.Debian + ":11", "Debian:11", "0.1-1"},
	} {
		names, err := db.Names(ctx, part.dbEco, 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			inv.Packages = append(inv.Packages, inventory.Package{Name: n, Version: part.ver, Ecosystem: part.eco})
		}
	}
	match := func(procs int) Result {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		res, err := Match(ctx, inv, db, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	one := match(1)
	if len(one.Findings) < 50 {
		t.Fatalf("%d findings from %d packages: the samples no longer exercise matching", len(one.Findings), len(inv.Packages))
	}
	if diff := cmp.Diff(one, match(4)); diff != "" {
		t.Errorf("4 workers differ from 1 (-one +four):\n%s", diff)
	}
}
