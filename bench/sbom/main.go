// Command sbomconvert converts an SBOM between CycloneDX and SPDX JSON with
// the sbom package, the same work as `syft convert`: compare.sh times both
// on one large SBOM. It is a benchmark harness, not part of sluice.
package main

import (
	"bufio"
	"fmt"
	"os"

	"github.com/sluice-dev/sluice/sbom"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: sbomconvert IN cyclonedx|spdx OUT")
		os.Exit(2)
	}
	if err := run(os.Args[1], sbom.Format(os.Args[2]), os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, "sbomconvert:", err)
		os.Exit(1)
	}
}

func run(in string, to sbom.Format, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	doc, _, err := sbom.Decode(bufio.NewReader(f), in)
	if err != nil {
		return err
	}
	o, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(o)
	if err := sbom.Encode(w, to, doc); err != nil {
		o.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		o.Close()
		return err
	}
	return o.Close()
}
