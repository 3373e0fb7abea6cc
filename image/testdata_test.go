package image_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/image"
	"github.com/sluice-dev/sluice/internal/testutil"
)

// hostileFixtures are the checked-in hostile layer blobs: what each holds
// is written here, so -update regenerates them byte for byte.
func hostileFixtures(t *testing.T) map[string]func() []byte {
	return map[string]func() []byte{
		"path-traversal.tar.gz": func() []byte {
			return gz(t, testutil.Tar(t,
				testutil.File{Path: "../../../../etc/cron.d/evil", Content: "* * * * * root sh"},
				testutil.File{Path: "./safe/../../escape", Content: "x"},
				testutil.File{Path: "ok/file", Content: "fine"},
			))
		},
		"symlink-escape.tar.gz": func() []byte {
			return gz(t, testutil.Tar(t,
				testutil.File{Path: "etc/abs", Link: "/etc/shadow"},
				testutil.File{Path: "etc/rel", Link: "../../../../../etc/shadow"},
				testutil.File{Path: "loop/a", Link: "b"},
				testutil.File{Path: "loop/b", Link: "a"},
				testutil.File{Path: "hard", Hardlink: "../../etc/shadow"},
			))
		},
		// 16 MiB of zeros in 16 KiB: the ratio guard trips after about 4 MiB.
		"gzip-bomb.tar.gz": func() []byte { return gz(t, testutil.Tar(t, testutil.File{Path: "zeros", Size: 16 << 20})) },
	}
}

func TestHostileFixtures(t *testing.T) {
	fixtures := hostileFixtures(t)
	if testutil.Update() {
		for name, make := range fixtures {
			if err := os.WriteFile(filepath.Join("testdata", name), make(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		file      string
		wantPaths []string
		wantProbs int
		wantErr   string
	}{
		{file: "path-traversal.tar.gz", wantPaths: []string{"ok/file"}, wantProbs: 2},
		{file: "symlink-escape.tar.gz", wantPaths: []string{"etc/abs", "etc/rel", "loop/a", "loop/b"}, wantProbs: 1},
		{file: "gzip-bomb.tar.gz", wantErr: "decompression ratio exceeds the limit of 200"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			blob, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			l := image.NewLayer(image.Layer{Index: 3, Digest: "sha256:" + tt.file}, func() (io.ReadCloser, error) {
				return io.NopCloser(strings.NewReader(string(blob))), nil
			})
			var paths []string
			stats, err := image.ReadLayer(context.Background(), l, image.LayerOptions{SkipVerify: true}, func(e *image.Entry) error {
				paths = append(paths, e.Path)
				_, err := io.Copy(io.Discard, e)
				return err
			})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "layer 3 (sha256:"+tt.file+")") {
					t.Fatalf("err = %v, want one naming layer 3 and containing %q", err, tt.wantErr)
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
