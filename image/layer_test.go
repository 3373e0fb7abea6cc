package image_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/gzip"

	"github.com/sluice-dev/sluice/image"
	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/internal/testutil"
)

func blobLayer(blob []byte, diffID string) image.Layer {
	return image.NewLayer(image.Layer{DiffID: diffID, Digest: "sha256:blob"}, func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(blob)), nil
	})
}

func diffIDOf(tarball []byte) string { return fmt.Sprintf("sha256:%x", sha256.Sum256(tarball)) }

func gz(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func TestReadLayerHostile(t *testing.T) {
	many := make([]testutil.File, 101)
	for i := range many {
		many[i] = testutil.File{Path: fmt.Sprintf("f%03d", i), Content: "x"}
	}
	traversal := testutil.Tar(t,
		testutil.File{Path: "../../etc/passwd", Content: "root"},
		testutil.File{Path: "a/../../b", Content: "b"},
		testutil.File{Path: "/abs/ok", Content: "ok"},
		testutil.File{Path: "link", Hardlink: "../../etc/shadow"},
		testutil.File{Path: "escape", Link: "../../../../etc/shadow"},
		testutil.File{Path: "loop", Link: "loop"},
		testutil.File{Path: strings.Repeat("d/", safeio.MaxPathLength/2) + "f", Content: "long"},
	)
	bomb, err := os.ReadFile("testdata/gzip-bomb.tar.gz")
	if err != nil {
		t.Fatal(err)
	}
	huge := testutil.Tar(t, testutil.File{Path: "huge", Size: 2 << 20})
	manyTar := testutil.Tar(t, many...)
	truncated := gz(t, testutil.Tar(t, testutil.File{Path: "a", Content: strings.Repeat("abc", 10000)}))
	truncated = truncated[:len(truncated)/2]

	tests := []struct {
		name      string
		layer     image.Layer
		opts      image.LayerOptions
		wantPaths []string
		wantProbs int
		wantErr   string
	}{
		{name: "path traversal", layer: blobLayer(gz(t, traversal), diffIDOf(traversal)),
			wantPaths: []string{"abs/ok", "escape", "loop"}, wantProbs: 4},
		{name: "gzip bomb", layer: blobLayer(bomb, "sha256:"+strings.Repeat("0", 64)), wantErr: "decompression ratio exceeds the limit"},
		{name: "huge file", layer: blobLayer(huge, diffIDOf(huge)), opts: image.LayerOptions{MaxDecompressed: 1 << 20},
			wantErr: "decompressed size exceeds the limit of 1048576"},
		{name: "too many entries", layer: blobLayer(manyTar, diffIDOf(manyTar)), opts: image.LayerOptions{MaxEntries: 100},
			wantErr: "entries exceeds the limit of 100"},
		{name: "diffID mismatch", layer: blobLayer(manyTar, "sha256:"+strings.Repeat("0", 64)), wantErr: "does not match its diffID"},
		{name: "bad diffID", layer: blobLayer(manyTar, "md5:abc"), wantErr: "is not a sha256 digest"},
		{name: "truncated gzip", layer: blobLayer(truncated, "sha256:"+strings.Repeat("0", 64)), wantErr: "unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var paths []string
			stats, err := image.ReadLayer(context.Background(), tt.layer, tt.opts, func(e *image.Entry) error {
				paths = append(paths, e.Path)
				_, err := io.Copy(io.Discard, e)
				return err
			})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), tt.layer.DiffID) {
					t.Fatalf("err = %v, want it to name the layer and contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantPaths, paths); diff != "" {
				t.Errorf("paths (-want +got):\n%s", diff)
			}
			if len(stats.Problems) != tt.wantProbs {
				t.Errorf("problems = %q, want %d", stats.Problems, tt.wantProbs)
			}
		})
	}
}

func TestReadLayerCancelled(t *testing.T) {
	tb := testutil.Tar(t, testutil.File{Path: "a", Content: "a"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := image.ReadLayer(ctx, blobLayer(tb, diffIDOf(tb)), image.LayerOptions{}, func(*image.Entry) error { return nil })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestReadLayerProgress(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	content := make([]byte, 3<<20)
	for i := range content {
		content[i] = byte(rnd.IntN(256))
	}
	tb := testutil.Tar(t, testutil.File{Path: "a", Content: string(content)})
	var total int64
	_, err := image.ReadLayer(context.Background(), blobLayer(gz(t, tb), diffIDOf(tb)),
		image.LayerOptions{Progress: func(n int64) { total += n }}, func(*image.Entry) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if total != int64(len(tb)) {
		t.Errorf("progress reported %d bytes, want %d", total, len(tb))
	}
}

// FuzzReadLayer feeds arbitrary bytes (seeded with real tars holding
// whiteouts, links and traversal) through the layer reader: it must return
// an error or entries with clean in-root paths, and never panic.
func FuzzReadLayer(f *testing.F) {
	f.Add(testutil.Tar(f, testutil.Whiteout("a/b"), testutil.Opaque("c"), testutil.File{Path: "d", Link: "/x"}))
	f.Add(testutil.Tar(f, testutil.File{Path: "../x", Content: "x"}, testutil.File{Path: "h", Hardlink: "../../y"}))
	f.Add(gz(f, testutil.Tar(f, testutil.File{Path: "a/.wh..wh..opq"}, testutil.File{Path: ".wh..wh.plnk"})))
	f.Fuzz(func(t *testing.T, blob []byte) {
		opts := image.LayerOptions{SkipVerify: true, MaxEntries: 1000, MaxDecompressed: 4 << 20}
		image.ReadLayer(context.Background(), blobLayer(blob, ""), opts, func(e *image.Entry) error {
			if strings.HasPrefix(e.Path, "/") || e.Path == ".." || strings.HasPrefix(e.Path, "../") || strings.Contains(e.Path, "/../") {
				t.Fatalf("entry path %q escapes the root", e.Path)
			}
			if e.Kind == image.KindHardlink && (strings.HasPrefix(e.Link, "../") || e.Link == "..") {
				t.Fatalf("hard link %q escapes the root", e.Link)
			}
			_, err := io.Copy(io.Discard, e)
			return err
		})
	})
}
