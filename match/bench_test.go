package match

import (
	"context"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/vulndb"
)

// inventory1000 builds a 1,000-package inventory from real package names in
// the database: AlmaLinux 9 RPMs, Go modules, PyPI and crates.io packages,
// at low versions so most advisories apply (the worst case for matching).
func inventory1000(tb testing.TB, db *vulndb.Store) inventory.Inventory {
	return inventoryAt(tb, db, "0.1-1.el9", "v0.0.1", "0.1", "0.1.0")
}

// inventoryAt builds the same 1,000 packages at the given versions (AlmaLinux,
// Go, PyPI, crates.io).
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

// BenchmarkMatch1000 matches 1,000 packages against the real OSV data
// (AlmaLinux, Go, PyPI, crates.io) after the database is open; the budget
// is 100 ms per inventory.
func BenchmarkMatch1000(b *testing.B) {
	dir := sharedDir(b, "vulndata", "osv")
	db := buildDB(b, dir)
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		inv  inventory.Inventory
	}{
		// Every package at a very old version: ~4,200 findings.
		{"vulnerable", inventory1000(b, db)},
		// The same packages past every fix: the lookup cost alone.
		{"patched", inventoryAt(b, db, "999:1-1.el9", "v99.0.0", "999", "999.0.0")},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var findings int
			cpu0 := cpuTime()
			for i := 0; i < b.N; i++ {
				res, err := Match(ctx, bc.inv, db, Options{})
				if err != nil {
					b.Fatal(err)
				}
				findings = len(res.Findings)
			}
			b.ReportMetric(float64(findings), "findings")
			// CPU time is what matching costs; wall time on a shared
			// machine also counts other processes.
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
		})
	}
}

// TestMatch1000Budget keeps the benchmark's claim honest in CI: one cold
// match of 1,000 packages (worst case: ~4,000 findings) must use under
// 400 ms of CPU. CPU time, not wall time, so a busy machine does not make
// it flaky; BenchmarkMatch1000 gives the warm figure.
func TestMatch1000Budget(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the OSV zips")
	}
	dir := sharedDir(t, "vulndata", "osv")
	db := buildDB(t, filepath.Join(dir, "AlmaLinux"), filepath.Join(dir, "Go"), filepath.Join(dir, "PyPI"), filepath.Join(dir, "crates.io"))
	inv := inventory1000(t, db)
	start, cpu0 := time.Now(), cpuTime()
	res, err := Match(context.Background(), inv, db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	took, cpu := time.Since(start), cpuTime()-cpu0
	t.Logf("1,000 packages: %d findings in %v wall, %v CPU", len(res.Findings), took, cpu)
	if cpu > 400*time.Millisecond {
		t.Errorf("matching 1,000 packages used %v of CPU", cpu)
	}
}

// cpuTime is the CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
