// Command catalogers is a benchmark harness, not part of sluice: it runs
// every cataloger of inventory/catalogers over a directory the way the
// analysis driver does (Wants from the path and stat, one read per wanted
// file, Analyze for each cataloger that wanted it, Finish on the merged
// inventory) and prints the wall time and package counts by type, so
// bench/catalogers/run.sh can compare it with a peer tool on the same tree.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/sluice-dev/sluice/analysis"
	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/inventory/catalogers"
	"github.com/sluice-dev/sluice/inventory/osrelease"
)

func main() {
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: catalogers DIR")
		os.Exit(2)
	}
	root := flag.Arg(0)
	start := time.Now()
	all := catalogers.All()
	inv := &inventory.Inventory{}
	distroRank := 0
	files, read := 0, 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil
		}
		files++
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		st, err := d.Info()
		if err != nil {
			return nil
		}
		var wanting []analysis.Analyzer
		for _, a := range all {
			if a.Wants(rel, st.Mode(), st.Size()) {
				wanting = append(wanting, a)
			}
		}
		if len(wanting) == 0 {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return nil
		}
		data, err := safeio.ReadAll(f, 1<<30, "file size")
		f.Close()
		if err != nil {
			return nil
		}
		read++
		in := &analysis.Input{Path: rel, Mode: st.Mode(), Size: int64(len(data)), Content: bytes.NewReader(data)}
		for _, a := range wanting {
			res, err := a.Analyze(context.Background(), in)
			if err != nil || res == nil {
				continue
			}
			inv.Packages = append(inv.Packages, res.Packages...)
			if res.Distro != nil && osrelease.Rank(rel) > distroRank {
				inv.Distro, distroRank = res.Distro, osrelease.Rank(rel)
			}
		}
		return nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, a := range all {
		if f, ok := a.(analysis.Finisher); ok {
			f.Finish(inv)
		}
	}
	elapsed := time.Since(start)
	byType := map[string]int{}
	for _, p := range inv.Packages {
		byType[p.Type]++
	}
	var types []string
	for t := range byType {
		types = append(types, t)
	}
	sort.Strings(types)
	fmt.Printf("sluice catalogers: %d files walked, %d read, %d packages in %v\n", files, read, len(inv.Packages), elapsed.Round(time.Millisecond))
	for _, t := range types {
		fmt.Printf("  %-20s %d\n", t, byType[t])
	}
}
