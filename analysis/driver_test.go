package analysis_test

import (
	"bufio"
	"context"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sluice-dev/sluice/analysis"
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/image"
	"github.com/sluice-dev/sluice/internal/testutil"
	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/progress"
	"github.com/sluice-dev/sluice/source"
)

// The analyzers below exist only for these tests: the real catalogers live
// in inventory/<ecosystem> and are tested there.

// stanzaAnalyzer reads dpkg-status-shaped stanzas (Package, Version, and a
// test-only "Owns" field listing owned paths).
type stanzaAnalyzer struct {
	calls atomic.Int64
	ver   int
}

func (a *stanzaAnalyzer) Name() string { return "test-stanza" }
func (a *stanzaAnalyzer) Version() int { return 1 + a.ver }
func (a *stanzaAnalyzer) Wants(p string, _ fs.FileMode, _ int64) bool {
	return p == "var/lib/dpkg/status"
}
func (a *stanzaAnalyzer) Analyze(_ context.Context, in *analysis.Input) (*analysis.Result, error) {
	a.calls.Add(1)
	res := &analysis.Result{}
	var cur *inventory.Package
	sc := bufio.NewScanner(in.Reader())
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), ": ")
		switch k {
		case "Package":
			res.Packages = append(res.Packages, inventory.Package{Name: v, Type: "deb", Ecosystem: inventory.Debian})
			cur = &res.Packages[len(res.Packages)-1]
		case "Version":
			cur.Version = v
		case "Owns":
			cur.Files = append(cur.Files, strings.Fields(v)...)
		}
	}
	return res, sc.Err()
}

// secretAnalyzer reports lines starting with SECRET= in files under etc/.
type secretAnalyzer struct{}

func (secretAnalyzer) Name() string { return "test-secret" }
func (secretAnalyzer) Version() int { return 1 }
func (secretAnalyzer) Wants(p string, _ fs.FileMode, _ int64) bool {
	return strings.HasPrefix(p, "etc/")
}
func (secretAnalyzer) Analyze(_ context.Context, in *analysis.Input) (*analysis.Result, error) {
	b, err := io.ReadAll(in.Reader())
	if err != nil {
		return nil, err
	}
	if !strings.Contains(string(b), "SECRET=") {
		return nil, nil
	}
	return &analysis.Result{Findings: []finding.Finding{{Kind: finding.KindSecret, Rule: "test-secret", Severity: finding.SeverityHigh}}}, nil
}

// distroAnalyzer reads ID and VERSION_ID; as a Finisher it adds the distro
// qualifier to deb purls, as the real one must (the distro may sit in another layer).
type distroAnalyzer struct{}

func (distroAnalyzer) Name() string { return "test-distro" }
func (distroAnalyzer) Version() int { return 1 }
func (distroAnalyzer) Wants(p string, _ fs.FileMode, _ int64) bool {
	return p == "etc/os-release" || p == "usr/lib/os-release"
}
func (distroAnalyzer) Analyze(_ context.Context, in *analysis.Input) (*analysis.Result, error) {
	b, err := io.ReadAll(in.Reader())
	if err != nil {
		return nil, err
	}
	d := &inventory.Distro{}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, _ := strings.Cut(line, "=")
		switch k {
		case "ID":
			d.ID = strings.Trim(v, `"`)
		case "VERSION_ID":
			d.VersionID = strings.Trim(v, `"`)
		}
	}
	return &analysis.Result{Distro: d}, nil
}
func (distroAnalyzer) Finish(inv *inventory.Inventory) {
	for i := range inv.Packages {
		p := &inv.Packages[i]
		p.PURL = "pkg:deb/" + p.Name + "@" + p.Version
		if inv.Distro != nil {
			p.PURL += "?distro=" + inv.Distro.ID + "-" + inv.Distro.VersionID
		}
	}
}

var (
	_ analysis.Analyzer = (*stanzaAnalyzer)(nil)
	_ analysis.Analyzer = secretAnalyzer{}
	_ analysis.Finisher = distroAnalyzer{}
)

const elf = "\x7fELF\x02\x01\x01binary"

func openLayout(t *testing.T, img v1.Image) *source.Image { return openLayoutB(t, img) }

func openLayoutB(t testing.TB, img v1.Image) *source.Image {
	t.Helper()
	dir := t.TempDir()
	testutil.WriteOCILayout(t, dir, map[string]v1.Image{"": img})
	opened, err := image.Open(context.Background(), dir, image.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { opened.Close() })
	return source.NewImage(opened, image.LayerOptions{})
}

// summary is the comparable part of an Output.
type summary struct {
	Packages []string
	Findings []string
	Distro   string
	Unowned  []string
	Count    int
	Steps    []string
}

func summarize(out *analysis.Output) summary {
	var s summary
	for _, p := range out.Inventory.Packages {
		s.Packages = append(s.Packages, p.Name+"@"+p.Version+" "+p.PURL+" layer "+string(rune('0'+p.Locations[0].LayerIndex))+" "+p.Cataloger)
	}
	for _, f := range out.Findings {
		d := ""
		if f.Location.Deleted {
			d = " deleted"
		}
		s.Findings = append(s.Findings, f.Rule+" "+f.Location.Path+" layer "+string(rune('0'+f.Location.LayerIndex))+d)
	}
	if out.Inventory.Distro != nil {
		s.Distro = out.Inventory.Distro.ID + " " + out.Inventory.Distro.VersionID
	}
	for _, u := range out.Inventory.Unowned {
		s.Unowned = append(s.Unowned, u.Kind+" "+u.Path)
	}
	s.Count = out.Inventory.UnownedCount
	for _, l := range out.Inventory.Layers {
		s.Steps = append(s.Steps, l.CreatedBy)
	}
	return s
}

func baseLayer(t *testing.T) v1.Layer {
	return testutil.Layer(t,
		testutil.File{Path: "usr/lib/os-release", Content: "ID=debian\nVERSION_ID=\"12\"\n"},
		testutil.File{Path: "etc/os-release", Link: "../usr/lib/os-release"},
		testutil.File{Path: "lib", Link: "usr/lib"},
		testutil.File{Path: "var/lib/dpkg/status", Content: "Package: libc6\nVersion: 2.36\nOwns: /lib/x86_64-linux-gnu/libc.so.6 /usr/bin/ldd\n\nPackage: tzdata\nVersion: 2024a\n"},
		testutil.File{Path: "usr/lib/x86_64-linux-gnu/libc.so.6", Content: elf},
		testutil.File{Path: "usr/bin/ldd", Content: elf, Mode: 0o755},
		testutil.File{Path: "usr/bin/stray", Content: elf, Mode: 0o755},
		testutil.File{Path: "usr/bin/script", Content: "#!/bin/sh\n", Mode: 0o755},
		testutil.File{Path: "etc/app.conf", Content: "SECRET=hunter2\n"},
	)
}

func TestRunAppliesLayersInOrder(t *testing.T) {
	img := testutil.Image(t,
		testutil.Step{CreatedBy: "ADD rootfs.tar /", Layer: baseLayer(t)},
		testutil.Step{CreatedBy: "ENV X=1"},
		testutil.Step{CreatedBy: "RUN apt-get install curl && rm /etc/app.conf", Layer: testutil.Layer(t,
			testutil.Whiteout("etc/app.conf"),
			testutil.File{Path: "var/lib/dpkg/status", Content: "Package: libc6\nVersion: 2.36\nOwns: /lib/x86_64-linux-gnu/libc.so.6 /usr/bin/ldd\n\nPackage: curl\nVersion: 7.88\nOwns: /usr/bin/curl\n"},
			testutil.File{Path: "usr/bin/curl", Content: elf, Mode: 0o755},
			testutil.File{Path: "opt/app/libplugin.so", Content: elf},
		)},
	)
	stanza := &stanzaAnalyzer{}
	out, err := analysis.Run(context.Background(), openLayout(t, img), []analysis.Analyzer{stanza, secretAnalyzer{}, distroAnalyzer{}}, analysis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := summary{
		Packages: []string{
			"curl@7.88 pkg:deb/curl@7.88?distro=debian-12 layer 1 test-stanza",
			"libc6@2.36 pkg:deb/libc6@2.36?distro=debian-12 layer 1 test-stanza",
		},
		Findings: []string{"test-secret etc/app.conf layer 0 deleted"},
		Distro:   "debian 12",
		Unowned:  []string{"executable usr/bin/stray", "shared-library opt/app/libplugin.so"},
		Count:    2,
		Steps:    []string{"ADD rootfs.tar /", "RUN apt-get install curl && rm /etc/app.conf"},
	}
	if diff := cmp.Diff(want, summarize(out)); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	if got := stanza.calls.Load(); got != 2 {
		t.Errorf("stanza analyzer called %d times, want 2 (one status file per layer)", got)
	}
}

func TestRunDropsPackagesOfDeletedDatabase(t *testing.T) {
	img := testutil.Image(t,
		testutil.Step{CreatedBy: "base", Layer: baseLayer(t)},
		testutil.Step{CreatedBy: "RUN rm -rf /var/lib/dpkg", Layer: testutil.Layer(t, testutil.Whiteout("var/lib/dpkg"))},
	)
	out, err := analysis.Run(context.Background(), openLayout(t, img), []analysis.Analyzer{&stanzaAnalyzer{}, distroAnalyzer{}}, analysis.Options{MaxUnowned: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := summary{
		Distro:  "debian 12",
		Unowned: []string{"shared-library usr/lib/x86_64-linux-gnu/libc.so.6"},
		Count:   3, // libc.so.6, ldd and stray: nothing owns them any more
		Steps:   []string{"base", "RUN rm -rf /var/lib/dpkg"},
	}
	if diff := cmp.Diff(want, summarize(out)); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

func TestRunCache(t *testing.T) {
	cache := t.TempDir()
	base := baseLayer(t)
	imgA := testutil.Image(t, testutil.Step{CreatedBy: "base", Layer: base})
	imgB := testutil.Image(t,
		testutil.Step{CreatedBy: "base", Layer: base},
		testutil.Step{CreatedBy: "app", Layer: testutil.Layer(t, testutil.File{Path: "etc/b.conf", Content: "SECRET=b"})},
	)
	run := func(img v1.Image, stanza *stanzaAnalyzer) *analysis.Output {
		t.Helper()
		out, err := analysis.Run(context.Background(), openLayout(t, img), []analysis.Analyzer{stanza, secretAnalyzer{}, distroAnalyzer{}}, analysis.Options{CacheDir: cache})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	cold := &stanzaAnalyzer{}
	first := run(imgA, cold)
	warm := &stanzaAnalyzer{}
	second := run(imgA, warm)
	if diff := cmp.Diff(summarize(first), summarize(second)); diff != "" {
		t.Errorf("warm output differs from cold (-cold +warm):\n%s", diff)
	}
	if second.CachedLayers != 1 || warm.calls.Load() != 0 {
		t.Errorf("warm run: %d cached layers, %d analyzer calls; want 1 and 0", second.CachedLayers, warm.calls.Load())
	}
	// A second image sharing the base costs only its own layer.
	shared := &stanzaAnalyzer{}
	outB := run(imgB, shared)
	if outB.CachedLayers != 1 || shared.calls.Load() != 0 {
		t.Errorf("image sharing the base: %d cached layers, %d stanza calls; want 1 and 0", outB.CachedLayers, shared.calls.Load())
	}
	if got := len(outB.Findings); got != 2 {
		t.Errorf("image B findings = %d, want 2 (base and app layer)", got)
	}
	// A new analyzer version invalidates the entries.
	bumped := &stanzaAnalyzer{ver: 1}
	third := run(imgA, bumped)
	if third.CachedLayers != 0 || bumped.calls.Load() != 1 {
		t.Errorf("after a version bump: %d cached layers, %d calls; want 0 and 1", third.CachedLayers, bumped.calls.Load())
	}
	// A torn cache entry is a miss, not an error.
	filepath.WalkDir(cache, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			os.WriteFile(p, []byte("garbage"), 0o644)
		}
		return nil
	})
	torn := &stanzaAnalyzer{}
	if out := run(imgA, torn); out.CachedLayers != 0 || torn.calls.Load() != 1 {
		t.Errorf("after corrupting the cache: %d cached layers, %d calls; want 0 and 1", out.CachedLayers, torn.calls.Load())
	}
}

// countingSource counts how often file contents are opened.
type countingSource struct {
	source.Source
	opens atomic.Int64
}

func (c *countingSource) Files(ctx context.Context, fn func(source.File) error) error {
	return c.Source.Files(ctx, func(f source.File) error {
		if !f.Mode.IsRegular() {
			return fn(f)
		}
		return fn(source.NewFile(f, func() (io.ReadCloser, error) {
			c.opens.Add(1)
			return f.Open()
		}))
	})
}

func TestRunDirReadsEachFileOnce(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "etc"), 0o755)
	os.MkdirAll(filepath.Join(dir, "var/lib/dpkg"), 0o755)
	os.WriteFile(filepath.Join(dir, "etc/os-release"), []byte("ID=debian\nSECRET=x\nVERSION_ID=12\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "var/lib/dpkg/status"), []byte("Package: a\nVersion: 1\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "README"), []byte("not wanted"), 0o644)
	src := &countingSource{Source: source.NewDir(dir)}
	// MemoryFileSize 8 sends the larger file through a temporary file.
	out, err := analysis.Run(context.Background(), src, []analysis.Analyzer{&stanzaAnalyzer{}, secretAnalyzer{}, distroAnalyzer{}}, analysis.Options{MemoryFileSize: 8})
	if err != nil {
		t.Fatal(err)
	}
	want := summary{
		Packages: []string{"a@1 pkg:deb/a@1?distro=debian-12 layer 0 test-stanza"},
		Findings: []string{"test-secret etc/os-release layer 0"},
		Distro:   "debian 12",
	}
	if diff := cmp.Diff(want, summarize(out)); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	if got := src.opens.Load(); got != 2 {
		t.Errorf("opened %d files, want 2: os-release once for two analyzers, status once", got)
	}
}

// recorder is a progress.Reporter that sums what tasks report.
type recorder struct {
	mu    sync.Mutex
	tasks map[string]int64
}

func (r *recorder) Task(name string, _ int64) progress.Task { return &recTask{r: r, name: name} }

type recTask struct {
	r    *recorder
	name string
}

func (t *recTask) Add(n int64) { t.r.mu.Lock(); t.r.tasks[t.name] += n; t.r.mu.Unlock() }
func (t *recTask) Done()       {}

func TestRunReportsDecompressedBytes(t *testing.T) {
	img := testutil.Image(t,
		testutil.Step{CreatedBy: "a", Layer: testutil.Layer(t, testutil.File{Path: "big", Content: noise(3 << 20)})},
		testutil.Step{CreatedBy: "b", Layer: testutil.Layer(t, testutil.File{Path: "small", Content: "x"})},
	)
	rec := &recorder{tasks: map[string]int64{}}
	if _, err := analysis.Run(context.Background(), openLayout(t, img), nil, analysis.Options{Progress: rec}); err != nil {
		t.Fatal(err)
	}
	if len(rec.tasks) != 2 {
		t.Fatalf("tasks = %v, want one per layer", rec.tasks)
	}
	var total int64
	for _, n := range rec.tasks {
		total += n
	}
	if total < 3<<20 {
		t.Errorf("reported %d bytes, want at least the 3 MiB decompressed", total)
	}
}

func TestRunHostileLayers(t *testing.T) {
	traversal := testutil.Image(t, testutil.Step{CreatedBy: "evil", Layer: testutil.Layer(t,
		testutil.File{Path: "../../etc/passwd", Content: "root"},
		testutil.File{Path: "etc/ok", Content: "SECRET=1"},
		testutil.File{Path: "loop", Link: "loop"},
		testutil.File{Path: "escape", Link: "/../../../etc/shadow"},
		testutil.File{Path: "usr/bin/x", Content: elf, Mode: 0o755},
	)})
	out, err := analysis.Run(context.Background(), openLayout(t, traversal), []analysis.Analyzer{secretAnalyzer{}}, analysis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Notes) != 1 || !strings.Contains(out.Notes[0], `"../../etc/passwd"`) || !strings.Contains(out.Notes[0], "layer 0") {
		t.Errorf("notes = %q, want one naming the traversal entry and its layer", out.Notes)
	}
	if len(out.Findings) != 1 || out.Findings[0].Location.Path != "etc/ok" {
		t.Errorf("findings = %+v, want the one in etc/ok", out.Findings)
	}
	bomb := testutil.Image(t, testutil.Step{CreatedBy: "bomb", Layer: testutil.Layer(t, testutil.File{Path: "zeros", Size: 16 << 20})})
	src := openLayout(t, bomb)
	_, err = analysis.Run(context.Background(), src, nil, analysis.Options{})
	if err == nil || !strings.Contains(err.Error(), "decompression ratio") || !strings.Contains(err.Error(), src.Layers()[0].DiffID) {
		t.Errorf("err = %v, want a decompression ratio error naming the layer", err)
	}
}

// panicky crashes on every file: the driver must turn that into a note.
type panicky struct{}

func (panicky) Name() string                                                       { return "test-panic" }
func (panicky) Version() int                                                       { return 1 }
func (panicky) Wants(string, fs.FileMode, int64) bool                              { return true }
func (panicky) Analyze(context.Context, *analysis.Input) (*analysis.Result, error) { panic("boom") }

func TestRunSurvivesAnalyzerPanic(t *testing.T) {
	img := testutil.Image(t, testutil.Step{CreatedBy: "a", Layer: testutil.Layer(t, testutil.File{Path: "f", Content: "x"})})
	out, err := analysis.Run(context.Background(), openLayout(t, img), []analysis.Analyzer{panicky{}}, analysis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Notes) != 1 || !strings.Contains(out.Notes[0], "crashed") {
		t.Errorf("notes = %q, want one about the crash", out.Notes)
	}
}

func TestRunRejectsDuplicateNames(t *testing.T) {
	_, err := analysis.Run(context.Background(), source.NewDir(t.TempDir()), []analysis.Analyzer{secretAnalyzer{}, secretAnalyzer{}}, analysis.Options{})
	if err == nil {
		t.Fatal("want an error for an analyzer listed twice")
	}
}

// noise is incompressible content of n bytes.
func noise(n int) string {
	r := rand.New(rand.NewPCG(7, 9))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return string(b)
}

// listAnalyzer reads dpkg-style info/*.list files: owned paths, one a line.
type listAnalyzer struct{}

func (listAnalyzer) Name() string { return "test-list" }
func (listAnalyzer) Version() int { return 1 }
func (listAnalyzer) Wants(p string, _ fs.FileMode, _ int64) bool {
	return strings.HasPrefix(p, "var/lib/dpkg/info/") && strings.HasSuffix(p, ".list")
}
func (listAnalyzer) Analyze(_ context.Context, in *analysis.Input) (*analysis.Result, error) {
	b, err := io.ReadAll(in.Reader())
	if err != nil {
		return nil, err
	}
	return &analysis.Result{Owned: strings.Fields(string(b))}, nil
}

func TestRunOwnedLists(t *testing.T) {
	img := testutil.Image(t,
		testutil.Step{CreatedBy: "base", Layer: testutil.Layer(t,
			testutil.File{Path: "bin", Link: "usr/bin"},
			testutil.File{Path: "usr/bin/ls", Content: elf, Mode: 0o755},
			testutil.File{Path: "usr/bin/cat", Content: elf, Mode: 0o755},
			testutil.File{Path: "usr/bin/app", Content: elf, Mode: 0o755},
			testutil.File{Path: "var/lib/dpkg/info/coreutils.list", Content: "/.\n/bin\n/bin/ls\n/bin/cat\n"},
			testutil.File{Path: "var/lib/dpkg/info/gone.list", Content: "/usr/bin/app\n"},
		)},
		testutil.Step{CreatedBy: "RUN dpkg --purge gone", Layer: testutil.Layer(t, testutil.Whiteout("var/lib/dpkg/info/gone.list"))},
	)
	out, err := analysis.Run(context.Background(), openLayout(t, img), []analysis.Analyzer{listAnalyzer{}}, analysis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// ls and cat are owned through the bin -> usr/bin symlink; app's list was deleted.
	want := summary{Unowned: []string{"executable usr/bin/app"}, Count: 1, Steps: []string{"base", "RUN dpkg --purge gone"}}
	if diff := cmp.Diff(want, summarize(out)); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

func TestRunRepeatedLayerReadOnce(t *testing.T) {
	status := testutil.Layer(t, testutil.File{Path: "var/lib/dpkg/status", Content: "Package: a\nVersion: 1\n"})
	img := testutil.Image(t,
		testutil.Step{CreatedBy: "one", Layer: status},
		testutil.Step{CreatedBy: "two", Layer: testutil.Layer(t, testutil.Whiteout("var/lib/dpkg/status"))},
		testutil.Step{CreatedBy: "three", Layer: status},
	)
	stanza := &stanzaAnalyzer{}
	out, err := analysis.Run(context.Background(), openLayout(t, img), []analysis.Analyzer{stanza}, analysis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := summary{Packages: []string{"a@1  layer 2 test-stanza"}, Steps: []string{"one", "two", "three"}}
	if diff := cmp.Diff(want, summarize(out)); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
	if stanza.calls.Load() != 1 {
		t.Errorf("status analysed %d times, want once for the repeated layer", stanza.calls.Load())
	}
}

// blobCounter counts layer blob downloads.
type blobCounter struct {
	n atomic.Int64
}

func (c *blobCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	if strings.Contains(req.URL.Path, "/blobs/") && req.Method == http.MethodGet {
		c.n.Add(1)
	}
	return http.DefaultTransport.RoundTrip(req)
}

func TestRunRegistryWarmFetchesNoLayer(t *testing.T) {
	host := testutil.Registry(t)
	img := testutil.Image(t,
		testutil.Step{CreatedBy: "base", Layer: baseLayer(t)},
		testutil.Step{CreatedBy: "app", Layer: testutil.Layer(t, testutil.File{Path: "etc/app.conf", Content: "SECRET=x"})},
	)
	testutil.Push(t, host+"/app:1", img)
	cache := t.TempDir()
	run := func() (*analysis.Output, int64) {
		counter := &blobCounter{}
		opened, err := image.Open(context.Background(), "registry:"+host+"/app:1", image.Options{Insecure: true, Transport: counter})
		if err != nil {
			t.Fatal(err)
		}
		defer opened.Close()
		before := counter.n.Load() // the config blob
		out, err := analysis.Run(context.Background(), source.NewImage(opened, image.LayerOptions{}), []analysis.Analyzer{&stanzaAnalyzer{}, secretAnalyzer{}}, analysis.Options{CacheDir: cache})
		if err != nil {
			t.Fatal(err)
		}
		return out, counter.n.Load() - before
	}
	cold, coldFetches := run()
	warm, warmFetches := run()
	if coldFetches != 2 || warmFetches != 0 {
		t.Errorf("layer downloads: cold %d, warm %d; want 2 and 0", coldFetches, warmFetches)
	}
	if diff := cmp.Diff(summarize(cold), summarize(warm)); diff != "" {
		t.Errorf("warm output differs (-cold +warm):\n%s", diff)
	}
}

// factRecorder keeps setuid/setgid and world-writable entries and bin/sh,
// as the image audit's recorder does.
type factRecorder struct{}

func (factRecorder) Name() string { return "test-facts" }
func (factRecorder) Version() int { return 1 }
func (factRecorder) Records(p string, mode fs.FileMode) bool {
	return mode&(fs.ModeSetuid|fs.ModeSetgid) != 0 || (mode&fs.ModeSymlink == 0 && mode.Perm()&0o002 != 0) || p == "bin/sh"
}

// markingSecrets is secretAnalyzer with the DeletionMarker hook: a secret in
// a deleted file becomes critical.
type markingSecrets struct{ secretAnalyzer }

func (markingSecrets) MarkDeleted(f *finding.Finding) { f.Severity = finding.SeverityCritical }

var (
	_ analysis.Recorder       = factRecorder{}
	_ analysis.DeletionMarker = markingSecrets{}
)

func TestRunRecordsFileFacts(t *testing.T) {
	img := testutil.Image(t,
		testutil.Step{CreatedBy: "base", Layer: testutil.Layer(t,
			testutil.File{Path: "bin/sh", Link: "busybox"},
			testutil.File{Path: "bin/busybox", Content: elf, Mode: 0o755},
			testutil.File{Path: "tmp", Dir: true, Mode: 0o1777},
			testutil.File{Path: "var/cache", Dir: true, Mode: 0o777},
			testutil.File{Path: "usr/bin/passwd", Content: elf, Mode: 0o4755},
			testutil.File{Path: "etc/app.conf", Content: "SECRET=hunter2\n", Mode: 0o666},
		)},
		testutil.Step{CreatedBy: "RUN chmod 755 /var/cache && rm /usr/bin/passwd /etc/app.conf", Layer: testutil.Layer(t,
			testutil.File{Path: "var/cache", Dir: true, Mode: 0o755},
			testutil.Whiteout("usr/bin/passwd"),
			testutil.Whiteout("etc/app.conf"),
			testutil.File{Path: "usr/bin/wall", Content: elf, Mode: 0o2755},
		)},
	)
	type fact struct {
		Path    string
		Mode    string
		Layer   int
		Deleted bool
	}
	facts := func(out *analysis.Output) []fact {
		var got []fact
		for _, f := range out.Files {
			got = append(got, fact{f.Path, f.Mode.String(), f.LayerIndex, f.Deleted})
		}
		return got
	}
	want := []fact{
		{"bin/sh", "Lrwxrwxrwx", 0, false},
		{"etc/app.conf", "-rw-rw-rw-", 0, true},   // deleted by layer 1
		{"tmp", "dtrwxrwxrwx", 0, false},          // the recorder keeps it; judging the sticky bit is the caller's
		{"usr/bin/passwd", "urwxr-xr-x", 0, true}, // deleted by layer 1
		{"var/cache", "drwxrwxrwx", 0, true},      // declared again, 0755, by layer 1
		{"usr/bin/wall", "grwxr-xr-x", 1, false},
	}
	cache := t.TempDir()
	src := openLayout(t, img)
	// A run without the recorder fills the cache under another key: the run
	// with it must not take those records, which have no entries.
	if _, err := analysis.Run(context.Background(), src, []analysis.Analyzer{markingSecrets{}}, analysis.Options{CacheDir: cache}); err != nil {
		t.Fatal(err)
	}
	for _, pass := range []string{"cold", "warm"} {
		out, err := analysis.Run(context.Background(), src, []analysis.Analyzer{markingSecrets{}},
			analysis.Options{CacheDir: cache, Recorders: []analysis.Recorder{factRecorder{}}})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, facts(out)); diff != "" {
			t.Errorf("%s: files (-want +got):\n%s", pass, diff)
		}
		if wantCached := map[string]int{"cold": 0, "warm": 2}[pass]; out.CachedLayers != wantCached {
			t.Errorf("%s: %d cached layers, want %d", pass, out.CachedLayers, wantCached)
		}
		if len(out.Findings) != 1 || !out.Findings[0].Location.Deleted || out.Findings[0].Severity != finding.SeverityCritical {
			t.Errorf("%s: findings = %+v, want one deleted secret that MarkDeleted made critical", pass, out.Findings)
		}
	}
}

func TestRunRejectsDuplicateRecorders(t *testing.T) {
	_, err := analysis.Run(context.Background(), source.NewDir(t.TempDir()), nil,
		analysis.Options{Recorders: []analysis.Recorder{factRecorder{}, factRecorder{}}})
	if err == nil || !strings.Contains(err.Error(), "recorder") {
		t.Fatalf("err = %v, want one about the recorder listed twice", err)
	}
}

// TestRunBoundsRecordedEntries: a layer selecting more entries than
// MaxRecorded keeps that many and says how many it dropped.
func TestRunBoundsRecordedEntries(t *testing.T) {
	img := testutil.Image(t, testutil.Step{CreatedBy: "hostile", Layer: testutil.Layer(t,
		testutil.File{Path: "a", Content: "a", Mode: 0o666},
		testutil.File{Path: "b", Content: "b", Mode: 0o666},
		testutil.File{Path: "c", Content: "c", Mode: 0o666},
	)})
	out, err := analysis.Run(context.Background(), openLayout(t, img), nil,
		analysis.Options{Recorders: []analysis.Recorder{factRecorder{}}, MaxRecorded: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Files) != 2 || len(out.Notes) != 1 || !strings.Contains(out.Notes[0], "1 more entries") {
		t.Errorf("files %v, notes %q; want 2 files and a note about 1 more", out.Files, out.Notes)
	}
}
