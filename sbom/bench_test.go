package sbom

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/sluice-dev/sluice/inventory"
)

// bigDoc is the fixture with n packages, the size of a large image.
func bigDoc(n int) Document {
	doc := fixture()
	base := doc.Inventory.Packages
	doc.Inventory.Packages = make([]inventory.Package, 0, n)
	for i := 0; len(doc.Inventory.Packages) < n; i++ {
		for _, p := range base {
			p.Name = fmt.Sprintf("%s-%d", p.Name, i)
			p.PURL = fmt.Sprintf("%s-%d", p.PURL, i)
			doc.Inventory.Packages = append(doc.Inventory.Packages, p)
		}
	}
	return doc
}

func BenchmarkEncode(b *testing.B) {
	doc := bigDoc(5000)
	for _, f := range []Format{CycloneDX, SPDX} {
		b.Run(string(f), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := Encode(io.Discard, f, doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	doc := bigDoc(5000)
	for _, f := range []Format{CycloneDX, SPDX} {
		var buf bytes.Buffer
		if err := Encode(&buf, f, doc); err != nil {
			b.Fatal(err)
		}
		b.Run(string(f), func(b *testing.B) {
			b.SetBytes(int64(buf.Len()))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := Decode(bytes.NewReader(buf.Bytes()), "bench"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
