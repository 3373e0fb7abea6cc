package analysis_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sluice-dev/sluice/analysis"
	"github.com/sluice-dev/sluice/internal/testutil"
)

// textish returns n bytes that compress about 3:1, like a rootfs.
func textish(seed uint64, n int) string {
	words := strings.Fields("the quick brown fox jumps over lazy dog package version depends libc6 usr lib x86_64 linux gnu so ELF debian bookworm main amd64")
	r := rand.New(rand.NewPCG(seed, 3))
	var b strings.Builder
	for b.Len() < n {
		if r.IntN(8) == 0 {
			b.WriteByte(byte(r.IntN(256)))
		}
		b.WriteString(words[r.IntN(len(words))])
		b.WriteByte(" \n"[r.IntN(2)])
	}
	return b.String()[:n]
}

// benchImage has four layers of 8 MiB each: a status file, executables and
// plain files, so the driver does every kind of work.
func benchImage(b *testing.B) v1.Image {
	var steps []testutil.Step
	for l := range 4 {
		var files []testutil.File
		files = append(files, testutil.File{Path: "var/lib/dpkg/status", Content: fmt.Sprintf("Package: p%d\nVersion: 1\n", l)})
		for i := range 128 {
			mode := int64(0o644)
			content := textish(uint64(l*1000+i), 64<<10)
			if i%8 == 0 {
				mode, content = 0o755, elf+content
			}
			files = append(files, testutil.File{Path: fmt.Sprintf("usr/lib/l%d/f%d", l, i), Content: content, Mode: mode})
		}
		steps = append(steps, testutil.Step{CreatedBy: fmt.Sprintf("RUN step %d", l), Layer: testutil.Layer(b, files...)})
	}
	return testutil.Image(b, steps...)
}

func BenchmarkRun(b *testing.B) {
	img := benchImage(b)
	src := openLayoutB(b, img)
	analyzers := []analysis.Analyzer{&stanzaAnalyzer{}, secretAnalyzer{}, distroAnalyzer{}}
	var size int64
	for _, l := range src.Layers() {
		size += l.Size
	}
	b.Run("cold", func(b *testing.B) {
		b.SetBytes(size) // compressed bytes per op
		for b.Loop() {
			if _, err := analysis.Run(context.Background(), src, analyzers, analysis.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("warm", func(b *testing.B) {
		opts := analysis.Options{CacheDir: b.TempDir()}
		if _, err := analysis.Run(context.Background(), src, analyzers, opts); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(size)
		b.ResetTimer()
		for b.Loop() {
			out, err := analysis.Run(context.Background(), src, analyzers, opts)
			if err != nil || out.CachedLayers != 4 {
				b.Fatalf("warm run: %v, %d cached layers", err, out.CachedLayers)
			}
		}
	})
}
