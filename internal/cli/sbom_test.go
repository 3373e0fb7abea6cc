package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sluice-dev/sluice/analysis"
	"github.com/sluice-dev/sluice/internal/testutil"
	"github.com/sluice-dev/sluice/inventory/dpkg"
)

var updateDemo = flag.Bool("update-demo", false, "rewrite demo/sbom/app.tar from the shared fixtures")

// repoRoot is the checkout root, from this file's package directory.
func repoRoot(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// runSbomCLI runs sluice with the given analyzers in place of the catalogers.
func runSbomCLI(t *testing.T, analyzers []analysis.Analyzer, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	a := &app{stdio: Stdio{In: strings.NewReader(""), Out: &out, Err: &errb}, catalogers: func() []analysis.Analyzer { return analyzers }}
	root := newRootCmd(a)
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&errb)
	err := root.ExecuteContext(context.Background())
	if err != nil && err != errFailed {
		errb.WriteString("sluice: " + err.Error() + "\n")
	}
	return out.String(), errb.String(), exitCode(err)
}

// elfStub is the start of an ELF file: enough to be counted as a binary.
const elfStub = "\x7fELF\x02\x01\x01\x00" + "\x00\x00\x00\x00\x00\x00\x00\x00" + "stub"

// demoImage is a small Debian-based image built from the real package
// databases in ../shared/fixtures: a minbase layer, an apt-get layer that
// replaces the status file, and an application layer with a binary no
// package owns.
func demoImage(t testing.TB) v1.Image {
	t.Helper()
	fixtures := testutil.SharedDir(t, "fixtures", "pkgdb", "dpkg")
	read := func(p string) string {
		b, err := os.ReadFile(filepath.Join(fixtures, p))
		if err != nil {
			t.Skipf("shared fixtures not available (%v): run with ../shared beside the checkout", err)
		}
		return string(b)
	}
	return testutil.Image(t,
		testutil.Step{CreatedBy: "/bin/sh -c #(nop) ADD file:bookworm-minbase.tar in / ", Layer: testutil.Layer(t,
			testutil.File{Path: "usr/lib/os-release", Content: read("debian-12-debian/os-release")},
			testutil.File{Path: "etc/os-release", Link: "../usr/lib/os-release"},
			testutil.File{Path: "var/lib/dpkg/status", Content: read("debian-12-debian/status")},
			testutil.File{Path: "usr/bin/dpkg", Content: elfStub, Mode: 0o755},
		)},
		testutil.Step{CreatedBy: `/bin/sh -c #(nop)  CMD ["bash"]`},
		testutil.Step{CreatedBy: "RUN /bin/sh -c apt-get update && apt-get install -y python3 openssh-server # buildkit", Layer: testutil.Layer(t,
			testutil.File{Path: "var/lib/dpkg/status", Content: read("debian-12-app/status")},
			testutil.Whiteout("var/lib/apt/lists"),
		)},
		testutil.Step{CreatedBy: "COPY app /usr/local/bin/app # buildkit", Layer: testutil.Layer(t,
			testutil.File{Path: "usr/local/bin/app", Content: elfStub, Mode: 0o755},
		)},
	)
}

func TestWriteDemoImage(t *testing.T) {
	if !*updateDemo {
		t.Skip("run with -update-demo to rewrite demo/sbom/app.tar")
	}
	dst := filepath.Join(repoRoot(t), "demo", "sbom", "app.tar")
	os.MkdirAll(filepath.Dir(dst), 0o755)
	testutil.WriteDockerArchive(t, dst, map[string]v1.Image{"example.com/demo/app:1.0": demoImage(t)})
}

func TestSbomJSON(t *testing.T) {
	img := demoImage(t)
	dir := t.TempDir()
	archive := filepath.Join(dir, "app.tar")
	testutil.WriteDockerArchive(t, archive, map[string]v1.Image{"example.com/app:1.0": img})
	cache := filepath.Join(dir, "cache")
	analyzers := []analysis.Analyzer{dpkg.New()}
	stdout, stderr, code := runSbomCLI(t, analyzers, "sbom", "docker-archive:"+archive, "-f", "json", "--cache-dir", cache)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	var doc inventoryDoc
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout)
	}
	var steps []string
	for _, l := range doc.Layers {
		steps = append(steps, l.CreatedBy)
	}
	wantSteps := []string{"ADD file:bookworm-minbase.tar in /", "RUN apt-get update && apt-get install -y python3 openssh-server", "COPY app /usr/local/bin/app"}
	if diff := cmp.Diff(wantSteps, steps); diff != "" {
		t.Errorf("layers (-want +got):\n%s", diff)
	}
	// go-containerregistry archives carry no manifest, so no manifest digest.
	if doc.Schema != inventorySchema || doc.Target.Kind != "image" || doc.Target.Digest != "" {
		t.Errorf("header = %q %+v", doc.Schema, doc.Target)
	}
	// The app layer's status file (145 packages) replaced the base one (88).
	if len(doc.Packages) != 145 {
		t.Errorf("%d packages, want the 145 of the apt-get layer's status", len(doc.Packages))
	}
	for _, p := range doc.Packages {
		if p.Locations[0].LayerIndex != 1 || len(p.Files) != 0 {
			t.Errorf("package %s: layer %d, %d files; want layer 1 and no file list in the output", p.Name, p.Locations[0].LayerIndex, len(p.Files))
			break
		}
	}
	var unowned []string
	for _, u := range doc.Unowned {
		unowned = append(unowned, u.Path)
	}
	if diff := cmp.Diff([]string{"usr/bin/dpkg", "usr/local/bin/app"}, unowned); diff != "" {
		t.Errorf("unowned (-want +got):\n%s", diff)
	}
	// Warm: the same output from the cache.
	warm, _, code := runSbomCLI(t, analyzers, "sbom", archive, "-f", "json", "--cache-dir", cache)
	if code != 0 || warm != strings.Replace(stdout, "docker-archive:"+archive, archive, 1) {
		t.Errorf("warm run differs from the cold one (exit %d)", code)
	}
}

func TestSbomTable(t *testing.T) {
	img := demoImage(t)
	dir := t.TempDir()
	testutil.WriteOCILayout(t, dir, map[string]v1.Image{"": img})
	stdout, stderr, code := runSbomCLI(t, []analysis.Analyzer{dpkg.New()}, "sbom", dir, "--no-cache")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	for _, want := range []string{
		"Layers (3)",
		"RUN apt-get update && apt-get install -y python3 openssh-server",
		"Packages (145)",
		"  deb (145)",
		"openssh-server",
		"Unowned executables and shared libraries: 2",
		"usr/local/bin/app",
		"silence about them never means safety",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
}

func TestSbomRegistryAndErrors(t *testing.T) {
	img := testutil.Image(t, testutil.Step{CreatedBy: "COPY x /x", Layer: testutil.Layer(t, testutil.File{Path: "x", Content: elfStub, Mode: 0o755})})
	host := testutil.Registry(t)
	testutil.Push(t, host+"/app:1", img)
	dir := t.TempDir()
	two := filepath.Join(dir, "two.tar")
	other := testutil.Image(t, testutil.Step{CreatedBy: "COPY y /y", Layer: testutil.Layer(t, testutil.File{Path: "y", Content: "y"})})
	testutil.WriteDockerArchive(t, two, map[string]v1.Image{"example.com/a:1": other, "example.com/b:1": img})
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"registry", []string{"sbom", "registry:" + host + "/app:1", "--insecure", "--no-cache"}, 0, "Unowned executables and shared libraries: 1", ""},
		{"registry plain http refused", []string{"sbom", host + "/app:1", "--no-cache"}, 2, "", "http"},
		{"archive needs --tag", []string{"sbom", two, "--no-cache"}, 2, "", "choose one with --tag"},
		{"archive with --tag", []string{"sbom", two, "--tag", "example.com/b:1", "--no-cache"}, 0, "COPY x /x", ""},
		{"missing file", []string{"sbom", "./missing.tar"}, 2, "", "missing.tar"},
		{"cyclonedx", []string{"sbom", two, "--tag", "example.com/b:1", "--no-cache", "-f", "cyclonedx"}, 0, `"bomFormat": "CycloneDX"`, ""},
		{"spdx", []string{"sbom", two, "--tag", "example.com/b:1", "--no-cache", "-f", "spdx"}, 0, `"spdxVersion": "SPDX-2.3"`, ""},
		{"bad format", []string{"sbom", two, "-f", "xml"}, 2, "", `--format "xml": want one of table, json, cyclonedx, spdx`},
		{"no target", []string{"sbom"}, 2, "", "one TARGET"},
		{"directory", []string{"sbom", "dir:" + dir, "--no-cache"}, 0, "Packages (0)", ""},
		{"missing directory", []string{"sbom", "dir:" + filepath.Join(dir, "nope")}, 2, "", "is not a directory"},
		{"sbom file target", []string{"sbom", "sbom:bom.json"}, 2, "", "not sbom targets"},
		{"wrong platform", []string{"sbom", two, "--tag", "example.com/b:1", "--platform", "linux/arm64", "--no-cache"}, 2, "", "the image is linux/amd64, not linux/arm64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runSbomCLI(t, nil, tt.args...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.wantCode, stderr)
			}
			if !strings.Contains(stdout, tt.wantOut) {
				t.Errorf("stdout lacks %q:\n%s", tt.wantOut, stdout)
			}
			if !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErr, stderr)
			}
		})
	}
}
