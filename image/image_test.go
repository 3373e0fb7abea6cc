package image_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/sluice-dev/sluice/image"
	"github.com/sluice-dev/sluice/internal/testutil"
)

// baseAnnotation is the manifest annotation sampleImage carries, as BuildKit
// writes it.
var baseAnnotation = map[string]string{"org.opencontainers.image.base.name": "docker.io/library/debian:12"}

// sampleImage is a three-step image: an ENV step (no layer), a base layer and
// a layer that deletes one file and makes a directory opaque. Its manifest
// carries baseAnnotation.
func sampleImage(t *testing.T) v1.Image {
	t.Helper()
	return mutate.Annotations(testutil.Image(t,
		testutil.Step{CreatedBy: "/bin/sh -c #(nop)  ENV PATH=/usr/bin"},
		testutil.Step{CreatedBy: "/bin/sh -c #(nop) ADD file:abc in / ", Layer: testutil.Layer(t, testutil.Files(map[string]string{
			"etc/os-release":   "ID=debian\n",
			"usr/bin/tool":     "\x7fELF tool",
			"bin":              "-> usr/bin",
			"var/cache/a/file": "cached",
		})...)},
		testutil.Step{CreatedBy: "RUN /bin/sh -c rm /usr/bin/tool # buildkit", Layer: testutil.ZstdLayer(t,
			testutil.Whiteout("usr/bin/tool"),
			testutil.Opaque("var/cache/a"),
			testutil.File{Path: "app/main", Content: "main", Mode: 0o755},
		)},
	), baseAnnotation).(v1.Image)
}

// layerPaths reads every layer and lists "index kind path".
func layerPaths(t *testing.T, img *image.Image) []string {
	t.Helper()
	var got []string
	for _, l := range img.Layers {
		_, err := image.ReadLayer(context.Background(), l, image.LayerOptions{}, func(e *image.Entry) error {
			got = append(got, strings.Join([]string{string(rune('0' + l.Index)), kindName(e.Kind), e.Path}, " "))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return got
}

func kindName(k image.EntryKind) string {
	return [...]string{"file", "dir", "symlink", "hardlink", "whiteout", "opaque", "other"}[k]
}

func TestOpenEveryForm(t *testing.T) {
	img := sampleImage(t)
	digest, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	layoutDir := filepath.Join(dir, "layout")
	testutil.WriteOCILayout(t, layoutDir, map[string]v1.Image{"": img})
	ociArchive := filepath.Join(dir, "oci.tar")
	testutil.WriteOCIArchive(t, ociArchive, map[string]v1.Image{"": img})
	dockerArchive := filepath.Join(dir, "docker.tar")
	testutil.WriteDockerArchive(t, dockerArchive, map[string]v1.Image{"example.com/app:1.0": img})
	legacyArchive := filepath.Join(dir, "legacy.tar")
	testutil.WriteLegacyDockerArchive(t, legacyArchive, "example.com/app:1.0", img)
	host := testutil.Registry(t)
	testutil.Push(t, host+"/app:1.0", img)

	wantSteps := []string{"ADD file:abc in /", "RUN rm /usr/bin/tool"}
	tests := []struct {
		name, target, kind string
		opts               image.Options
		wantDigest         bool
	}{
		{"oci-dir auto", layoutDir, image.KindOCIDir, image.Options{}, true},
		{"oci-dir scheme", "oci-dir:" + layoutDir, image.KindOCIDir, image.Options{}, true},
		{"oci-archive auto", ociArchive, image.KindOCIArchive, image.Options{}, true},
		{"docker-archive auto", dockerArchive, image.KindDockerArchive, image.Options{}, false},
		{"docker-archive legacy", "docker-archive:" + legacyArchive, image.KindDockerArchive, image.Options{}, false},
		{"registry", "registry:" + host + "/app:1.0", image.KindRegistry, image.Options{Insecure: true}, true},
	}
	var first []string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := image.Open(context.Background(), tt.target, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer got.Close()
			if got.Kind != tt.kind {
				t.Errorf("Kind = %q, want %q", got.Kind, tt.kind)
			}
			if tt.wantDigest && got.ManifestDigest != digest.String() {
				t.Errorf("ManifestDigest = %q, want %q", got.ManifestDigest, digest)
			}
			// Forms with a manifest keep its annotations; docker-archives have none.
			var wantAnn map[string]string
			if tt.wantDigest {
				wantAnn = baseAnnotation
			}
			if diff := cmp.Diff(wantAnn, got.Annotations); diff != "" {
				t.Errorf("Annotations (-want +got):\n%s", diff)
			}
			var steps []string
			for _, l := range got.Layers {
				steps = append(steps, l.CreatedBy)
			}
			if diff := cmp.Diff(wantSteps, steps); diff != "" {
				t.Errorf("created_by (-want +got):\n%s", diff)
			}
			if got.Platform != "linux/amd64" {
				t.Errorf("Platform = %q", got.Platform)
			}
			paths := layerPaths(t, got)
			if first == nil {
				first = paths
			} else if diff := cmp.Diff(first, paths); diff != "" {
				t.Errorf("entries differ from the first form (-want +got):\n%s", diff)
			}
		})
	}
	want := []string{
		"0 symlink bin", "0 file etc/os-release", "0 file usr/bin/tool", "0 file var/cache/a/file",
		"1 whiteout usr/bin/tool", "1 opaque var/cache/a", "1 file app/main",
	}
	if diff := cmp.Diff(want, first); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
}

func TestChooseByTag(t *testing.T) {
	a := testutil.Image(t, testutil.Step{CreatedBy: "a", Layer: testutil.Layer(t, testutil.File{Path: "a", Content: "a"})})
	b := testutil.Image(t, testutil.Step{CreatedBy: "b", Layer: testutil.Layer(t, testutil.File{Path: "b", Content: "b"})})
	dir := t.TempDir()
	archive := filepath.Join(dir, "two.tar")
	testutil.WriteDockerArchive(t, archive, map[string]v1.Image{"example.com/a:1": a, "example.com/b:2": b})
	layoutDir := filepath.Join(dir, "layout")
	testutil.WriteOCILayout(t, layoutDir, map[string]v1.Image{"a": a, "b": b})
	tests := []struct {
		name, target, tag string
		wantStep          string
		wantErr           string
	}{
		{"archive needs a tag", archive, "", "", "choose one with --tag"},
		{"archive tag a", archive, "example.com/a:1", "a", ""},
		{"archive tag b", archive, "example.com/b:2", "b", ""},
		{"archive unknown tag", archive, "example.com/c:3", "", `no image tagged "example.com/c:3"`},
		{"layout needs a tag", layoutDir, "", "", "choose one with --tag"},
		{"layout tag b", layoutDir, "b", "b", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, err := image.Open(context.Background(), tt.target, image.Options{Tag: tt.tag})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer img.Close()
			if img.Layers[0].CreatedBy != tt.wantStep {
				t.Errorf("chose the image of step %q, want %q", img.Layers[0].CreatedBy, tt.wantStep)
			}
		})
	}
}

func TestChoosePlatform(t *testing.T) {
	amd := testutil.PlatformImage(t, "linux/amd64", testutil.Step{CreatedBy: "amd64", Layer: testutil.Layer(t, testutil.File{Path: "x", Content: "amd"})})
	arm := testutil.PlatformImage(t, "linux/arm64/v8", testutil.Step{CreatedBy: "arm64", Layer: testutil.Layer(t, testutil.File{Path: "x", Content: "arm"})})
	idx := testutil.Index(t, arm, amd)
	layoutDir := t.TempDir()
	testutil.WriteOCILayoutIndex(t, layoutDir, idx)
	host := testutil.Registry(t)
	testutil.Push(t, host+"/multi:1", idx)
	for _, target := range []string{layoutDir, host + "/multi:1"} {
		tests := []struct {
			name, platform, wantStep, wantErr string
			wantNote                          bool
		}{
			{"default", "", "amd64", "", true},
			{"arm64", "linux/arm64", "arm64", "", false},
			{"missing", "linux/s390x", "", "no manifest for platform linux/s390x", false},
		}
		for _, tt := range tests {
			t.Run(filepath.Base(target)+"/"+tt.name, func(t *testing.T) {
				img, err := image.Open(context.Background(), target, image.Options{Platform: tt.platform, Insecure: true})
				if tt.wantErr != "" {
					if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
						t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				defer img.Close()
				if img.Layers[0].CreatedBy != tt.wantStep {
					t.Errorf("chose %q, want %q", img.Layers[0].CreatedBy, tt.wantStep)
				}
				if got := len(img.Notes) > 0; got != tt.wantNote {
					t.Errorf("notes = %q, want a note: %v", img.Notes, tt.wantNote)
				}
			})
		}
	}
}

func TestPlatformOfSingleImage(t *testing.T) {
	dir := t.TempDir()
	testutil.WriteOCILayout(t, dir, map[string]v1.Image{"": sampleImage(t)})
	_, err := image.Open(context.Background(), dir, image.Options{Platform: "linux/arm64"})
	if err == nil || !strings.Contains(err.Error(), "the image is linux/amd64, not linux/arm64") {
		t.Fatalf("err = %v, want a platform mismatch", err)
	}
}

func TestInsecureOnlyLocalhost(t *testing.T) {
	_, err := image.Open(context.Background(), "registry:example.com/app:1", image.Options{Insecure: true})
	if err == nil || !strings.Contains(err.Error(), "only for registries on localhost") {
		t.Fatalf("err = %v, want a refusal of --insecure for a remote host", err)
	}
}

func TestParseTarget(t *testing.T) {
	dir := t.TempDir()
	layoutDir := filepath.Join(dir, "layout")
	testutil.WriteOCILayout(t, layoutDir, map[string]v1.Image{"": sampleImage(t)})
	plain := filepath.Join(dir, "plain")
	if err := os.Mkdir(plain, 0o755); err != nil {
		t.Fatal(err)
	}
	notTar := filepath.Join(dir, "notes.txt")
	os.WriteFile(notTar, []byte("hello, this is not a tar file at all, just text that goes on for more than five hundred and twelve bytes"+strings.Repeat(".", 600)), 0o644)
	sbomFile := filepath.Join(dir, "bom.json")
	os.WriteFile(sbomFile, []byte(`{"bomFormat":"CycloneDX"}`), 0o644)
	tests := []struct {
		in       string
		want     image.Target
		wantErr  bool
		wantText string
	}{
		{in: "alpine:3.18", want: image.Target{Kind: "registry", Path: "alpine:3.18"}},
		{in: "localhost:5000/app@sha256:" + strings.Repeat("a", 64), want: image.Target{Kind: "registry", Path: "localhost:5000/app@sha256:" + strings.Repeat("a", 64)}},
		{in: "registry:ghcr.io/x/y", want: image.Target{Kind: "registry", Path: "ghcr.io/x/y", Explicit: true}},
		{in: "dir:.", want: image.Target{Kind: "dir", Path: ".", Explicit: true}},
		{in: "docker-archive:x.tar", want: image.Target{Kind: "docker-archive", Path: "x.tar", Explicit: true}},
		{in: layoutDir, want: image.Target{Kind: "oci-dir", Path: layoutDir}},
		{in: plain, want: image.Target{Kind: "dir", Path: plain}},
		{in: sbomFile, want: image.Target{Kind: "sbom", Path: sbomFile}},
		{in: "./missing.tar", wantErr: true},
		{in: notTar, wantErr: true},
		{in: "oci-dir:", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		got, err := image.ParseTarget(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseTarget(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseTarget(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestCreatedBy(t *testing.T) {
	hist := []v1.History{
		{CreatedBy: "/bin/sh -c #(nop) ADD file:123 in / "},
		{CreatedBy: "/bin/sh -c #(nop)  CMD [\"bash\"]", EmptyLayer: true},
		{CreatedBy: "/bin/sh -c apt-get update"},
		{CreatedBy: "ENV A=b", EmptyLayer: true},
		{CreatedBy: "COPY app /app # buildkit"},
	}
	tests := []struct {
		name   string
		layers int
		want   []string
	}{
		{"matching", 3, []string{"ADD file:123 in /", "RUN apt-get update", "COPY app /app"}},
		{"more layers than history", 4, []string{"ADD file:123 in /", "RUN apt-get update", "COPY app /app", ""}},
		{"fewer layers", 1, []string{"ADD file:123 in /"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, image.CreatedBy(hist, tt.layers)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}
