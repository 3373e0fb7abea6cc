package report

import (
	"fmt"
	"io"
	"testing"

	"github.com/sluice-dev/sluice/finding"
)

// bigResult repeats the fixture's findings n times over distinct paths: the
// size of a large image scan.
func bigResult(b *testing.B, n int) finding.Result {
	r := fixture(b)
	base := r.Findings
	r.Findings = make([]finding.Finding, 0, n)
	for i := 0; len(r.Findings) < n; i++ {
		for _, f := range base {
			f.Location.Path = fmt.Sprintf("%s/%d", f.Location.Path, i)
			r.Findings = append(r.Findings, f)
		}
	}
	return r
}

// BenchmarkWrite renders 10,000 findings in every format.
func BenchmarkWrite(b *testing.B) {
	r := bigResult(b, 10_000)
	for _, format := range Formats() {
		b.Run(format, func(b *testing.B) {
			w, err := New(format, Options{Time: scanTime})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := w.Write(io.Discard, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
