package image_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/image"
	"github.com/sluice-dev/sluice/internal/testutil"
)

// textish returns n bytes that compress about 3:1, like a rootfs.
func textish(seed uint64, n int) string {
	words := strings.Fields("the quick brown fox jumps over lazy dog package version depends libc6 usr lib x86_64 linux gnu so ELF debian bookworm main amd64 python3 openssl")
	r := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	for b.Len() < n {
		if r.IntN(8) == 0 {
			b.WriteByte(byte(r.IntN(256)))
			b.WriteByte(byte(r.IntN(256)))
		}
		b.WriteString(words[r.IntN(len(words))])
		b.WriteByte(" \n"[r.IntN(2)])
	}
	return b.String()[:n]
}

// benchLayer is a gzip layer of files totalling about size bytes.
func benchLayer(b *testing.B, size int) (blob []byte, diffID string, tarSize int) {
	var files []testutil.File
	for i := 0; i*64<<10 < size; i++ {
		files = append(files, testutil.File{Path: fmt.Sprintf("usr/share/doc/pkg%d/file%d", i/50, i), Content: textish(uint64(i), 64<<10)})
	}
	tb := testutil.Tar(b, files...)
	return gz(b, tb), diffIDOf(tb), len(tb)
}

// BenchmarkReadLayer measures the single pass over one gzip layer:
// inflate, diffID hash and tar walk, with and without read-ahead.
func BenchmarkReadLayer(b *testing.B) {
	blob, diffID, size := benchLayer(b, 32<<20)
	for _, ra := range []bool{true, false} {
		b.Run(fmt.Sprintf("readahead=%v", ra), func(b *testing.B) {
			b.SetBytes(int64(size))
			for b.Loop() {
				_, err := image.ReadLayer(context.Background(), blobLayer(blob, diffID), image.LayerOptions{NoReadAhead: !ra}, func(*image.Entry) error { return nil })
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("inflate-only", func(b *testing.B) {
		b.SetBytes(int64(size))
		for b.Loop() {
			r, closeFn, err := image.Decompress(strings.NewReader(string(blob)), image.LayerOptions{NoReadAhead: true})
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, r)
			closeFn()
		}
	})
}
