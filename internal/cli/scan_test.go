package cli

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/internal/testutil"
	"github.com/sluice-dev/sluice/vulndb"
)

const demoData = "../../demo/vulndata"
const demoSBOM = "sbom:../../demo/scan/demo-image.cdx.json"

func importDemo(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "sluice.db")
	code, out, errs := runCLI(t, "db", "import", "--db", db, demoData)
	if code != 0 {
		t.Fatalf("db import: exit %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, "alpine-secdb:edge/main") {
		t.Errorf("import output does not list sources:\n%s", out)
	}
	return db
}

func TestScanDemoSBOM(t *testing.T) {
	db := importDemo(t)
	code, out, errs := runCLI(t, "scan", "--db", db, "-f", "json", "--vex", "../../demo/scan/demo.vex.json", demoSBOM)
	if code != 0 {
		t.Fatalf("scan: exit %d\n%s", code, errs)
	}
	var res finding.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range res.Findings {
		state := "active"
		if f.Suppressed != nil {
			state = "suppressed:" + f.Suppressed.Kind
		}
		got[f.Package.Name+" "+f.Rule] = state
	}
	for k, want := range map[string]string{
		"busybox CVE-2022-48174":  "active",
		"requests CVE-2023-32681": "active",
		"PyYAML CVE-2020-14343":   "suppressed:vex",
		"libssl1.1 CVE-2023-0286": "active",
	} {
		if got[k] != want {
			t.Errorf("%s: %q, want %q", k, got[k], want)
		}
	}
	if _, ok := got["lodash CVE-2018-3721"]; ok {
		t.Error("lodash 4.17.20 reported for an advisory fixed in 4.17.5")
	}
	if len(res.Sources) != 3 || res.Sources[0].Built == "" {
		t.Errorf("sources not described: %+v", res.Sources)
	}

	// --fail-on and the table grouped by package.
	code, out, _ = runCLI(t, "scan", "--db", db, "--fail-on", "unknown", demoSBOM)
	if code != ExitFailed {
		t.Errorf("--fail-on unknown: exit %d, want 1", code)
	}
	// The shared table: one row per finding with package, installed and fixed versions.
	if !regexp.MustCompile(`(?m)^unknown +CVE-2022-48174 +busybox +1\.35\.0-r17 +1\.36\.1-r2 `).MatchString(out) {
		t.Errorf("table lacks the busybox row with installed and fixed versions:\n%s", out)
	}

	// --ignore-unfixed leaves out findings without a fix; all demo ones have one.
	code, out, _ = runCLI(t, "scan", "--db", db, "--ignore-unfixed", "-f", "json", demoSBOM)
	if code != 0 || !strings.Contains(out, "CVE-2023-32681") {
		t.Errorf("--ignore-unfixed: exit %d", code)
	}

	// explain prints the chain.
	code, out, _ = runCLI(t, "explain", "--db", db, "--target", demoSBOM, "CVE-2023-32681")
	if code != 0 || !strings.Contains(out, "advisory:      osv:PyPI PYSEC-2023-74: ECOSYSTEM range introduced 2.3.0, fixed 2.31.0") {
		t.Errorf("explain: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "explain", "--db", db, "--target", demoSBOM, "CVE-2018-3721")
	if code != 0 || !strings.Contains(out, "not reported") || !strings.Contains(out, "npm/lodash") {
		t.Errorf("explain of a non-match: exit %d\n%s", code, out)
	}
}

// TestScanImageMatchesItsSBOM is the promise of `sluice sbom`: scanning an
// image and scanning the SBOM (or inventory) sluice wrote for it give the
// same findings, down to locations, layers and fingerprints.
func TestScanImageMatchesItsSBOM(t *testing.T) {
	db := importDemo(t)
	img := demoLayout(t)
	dir := t.TempDir()
	cache := filepath.Join(dir, "layers")
	scan := func(t *testing.T, target string) finding.Result {
		t.Helper()
		code, out, errs := runCLI(t, "scan", "--db", db, "--cache-dir", cache, "-f", "json", target)
		if code != 0 {
			t.Fatalf("scan %s: exit %d\n%s", target, code, errs)
		}
		return decodeReport(t, out)
	}
	image := scan(t, "oci-dir:"+img)
	if image.Target.Kind != "image" || !strings.HasPrefix(image.Target.Digest, "sha256:") {
		t.Errorf("target = %+v, want the image with its digest", image.Target)
	}
	// The findings come from every layer that has packages, with the layer.
	where := map[string]string{}
	for _, f := range image.Findings {
		where[f.Package.Name+" "+f.Rule] = fmt.Sprintf("%s layer %d", f.Location.Path, f.Location.LayerIndex)
	}
	for k, want := range map[string]string{
		"busybox CVE-2022-48174":  "lib/apk/db/installed layer 0",
		"requests CVE-2023-32681": "app/requirements.txt layer 1",
	} {
		if where[k] != want {
			t.Errorf("%s at %q, want %q", k, where[k], want)
		}
	}
	for _, tc := range []struct{ format, scheme string }{
		{"cyclonedx", "sbom:"},
		{"spdx", "sbom:"},
		{"json", "inventory:"},
	} {
		t.Run(tc.format, func(t *testing.T) {
			file := filepath.Join(dir, "app."+tc.format+".json")
			if code, _, errs := runCLI(t, "sbom", "--cache-dir", cache, "-f", tc.format, "-o", file, img); code != 0 {
				t.Fatalf("sbom -f %s: exit %d\n%s", tc.format, code, errs)
			}
			fromFile := scan(t, tc.scheme+file)
			if diff := cmp.Diff(image.Findings, fromFile.Findings); diff != "" {
				t.Errorf("findings of the %s file differ from the image's (-image +file):\n%s", tc.format, diff)
			}
			if fromFile.Target.Digest != image.Target.Digest {
				t.Errorf("the %s file describes %q, want the image digest %q", tc.format, fromFile.Target.Digest, image.Target.Digest)
			}
		})
	}
}

func TestScanErrors(t *testing.T) {
	dir := t.TempDir()
	code, _, errs := runCLI(t, "scan", "--db", filepath.Join(dir, "missing.db"), demoSBOM)
	if code != ExitError || !strings.Contains(errs, "sluice db import") {
		t.Errorf("missing DB: exit %d, stderr %q", code, errs)
	}
	db := importDemo(t)
	code, _, errs = runCLI(t, "scan", "--db", db, "sbom:"+filepath.Join(dir, "none.json"))
	if code != ExitError {
		t.Errorf("missing SBOM: exit %d, stderr %q", code, errs)
	}
	os.WriteFile(filepath.Join(dir, "x.json"), []byte(`{"hello": 1}`), 0o644)
	code, _, errs = runCLI(t, "scan", "--db", db, filepath.Join(dir, "x.json"))
	if code != ExitError || !strings.Contains(errs, "neither CycloneDX, SPDX") {
		t.Errorf("unknown JSON: exit %d, stderr %q", code, errs)
	}
	for _, tc := range []struct{ target, wantErr string }{
		{"git:" + dir, "not git targets"},
		{"oci-dir:" + filepath.Join(dir, "none"), "none"},
		{filepath.Join(dir, "none.tar"), "none.tar"},
		{"inventory:" + filepath.Join(dir, "none.json"), "none.json"},
	} {
		code, _, errs = runCLI(t, "scan", "--db", db, "--no-cache", tc.target)
		if code != ExitError || !strings.Contains(errs, tc.wantErr) {
			t.Errorf("%s: exit %d, stderr %q; want 2 naming %q", tc.target, code, errs, tc.wantErr)
		}
	}
}

func TestSPDXAndInventoryInput(t *testing.T) {
	dir := t.TempDir()
	spdx := `{"spdxVersion": "SPDX-2.3", "packages": [
	  {"name": "libssl3", "versionInfo": "3.1.0-r4", "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:apk/alpine/libssl3@3.1.0-r4?arch=x86_64&upstream=openssl&distro=alpine-3.18.0"}]},
	  {"name": "golang.org/x/net", "versionInfo": "v0.7.0", "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:golang/golang.org/x/net@v0.7.0"}]},
	  {"name": "no-purl", "versionInfo": "1"}]}`
	p := filepath.Join(dir, "a.spdx.json")
	os.WriteFile(p, []byte(spdx), 0o644)
	inv, target, err := readInventoryFile("sbom:"+p, p)
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ Name, Version, Eco, Source string }
	var got []row
	for _, pk := range inv.Packages {
		src := ""
		if pk.Source != nil {
			src = pk.Source.Name
		}
		got = append(got, row{pk.Name, pk.Version, pk.Ecosystem, src})
	}
	// A package without a purl is kept, without an ecosystem: the matcher
	// counts it as unmatchable in a note instead of hiding it.
	want := []row{{"libssl3", "3.1.0-r4", "Alpine", "openssl"}, {"golang.org/x/net", "v0.7.0", "Go", ""}, {"no-purl", "1", "", ""}}
	if diff := cmp.Diff(want, got); diff != "" || target.Kind != "sbom" || inv.Distro == nil || inv.Distro.VersionID != "3.18.0" {
		t.Errorf("(-want +got):\n%s\nkind %s distro %+v", diff, target.Kind, inv.Distro)
	}
	invJSON := `{"distro": {"id": "debian", "version_id": "11"}, "packages": [{"name": "libcurl4", "version": "7.74.0-1.3+deb11u3", "ecosystem": "Debian", "purl": "", "type": "deb", "source": {"name": "curl", "version": "7.74.0-1.3+deb11u3"}, "locations": [{"path": "var/lib/dpkg/status", "layer_index": 0}], "cataloger": "dpkg"}]}`
	p = filepath.Join(dir, "inv.json")
	os.WriteFile(p, []byte(invJSON), 0o644)
	inv, target, err = readInventoryFile(p, p)
	if err != nil || target.Kind != "inventory" || len(inv.Packages) != 1 || inv.Packages[0].Source.Name != "curl" {
		t.Errorf("inventory: %v %s %+v", err, target.Kind, inv)
	}
}

func TestDBInfoExportImport(t *testing.T) {
	db := importDemo(t)
	code, out, _ := runCLI(t, "db", "info", "--db", db, "-f", "json")
	if code != 0 {
		t.Fatalf("info: exit %d", code)
	}
	var info struct {
		SchemaVersion int `json:"schema_version"`
		Advisories    int `json:"advisories"`
	}
	json.Unmarshal([]byte(out), &info)
	if info.SchemaVersion != vulndb.SchemaVersion || info.Advisories != 291 {
		t.Errorf("info: %+v", info)
	}
	exp := filepath.Join(t.TempDir(), "export.db")
	if code, _, errs := runCLI(t, "db", "export", "--db", db, exp); code != 0 {
		t.Fatalf("export: %s", errs)
	}
	other := filepath.Join(t.TempDir(), "other.db")
	if code, out, errs := runCLI(t, "db", "import", "--db", other, exp); code != 0 || !strings.Contains(out, "291 advisories") {
		t.Fatalf("import of an exported DB: exit %d %s %s", code, out, errs)
	}
	if code, _, errs := runCLI(t, "db", "import", "--db", other, "../../demo/scan/README.md"); code != ExitError || !strings.Contains(errs, "no advisories") {
		t.Errorf("import of a non-feed: exit %d %s", code, errs)
	}
}

func TestDBUpdateCommand(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	files, _ := filepath.Glob(filepath.Join(demoData, "osv", "PyPI", "*.json"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		w, _ := zw.Create(filepath.Base(f))
		w.Write(b)
	}
	zw.Close()
	fail := false
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fail {
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
			return
		}
		if r.Header.Get("If-None-Match") == `"abc"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"abc"`)
		w.Write(buf.Bytes())
	}))
	defer ts.Close()
	db := filepath.Join(t.TempDir(), "db", "sluice.db")
	src := "pypi=" + ts.URL + "/PyPI/all.zip"
	code, out, errs := runCLI(t, "db", "update", "--db", db, "--allow-http", "--source", src)
	if code != 0 || !strings.Contains(out, "rebuilt") {
		t.Fatalf("update: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = runCLI(t, "db", "update", "--db", db, "--allow-http", "--source", src)
	if code != 0 || !strings.Contains(out, "up to date") {
		t.Errorf("second update: exit %d\n%s", code, out)
	}
	code, _, errs = runCLI(t, "db", "update", "--db", db, "--source", src)
	if code != ExitError || !strings.Contains(errs, "not https") {
		t.Errorf("plain http without --allow-http: exit %d %s", code, errs)
	}
	before, _ := os.ReadFile(db)
	fail = true
	os.Remove(filepath.Join(filepath.Dir(db), "feeds", "index.json"))
	code, _, _ = runCLI(t, "db", "update", "--db", db, "--allow-http", "--retries", "-1", "--source", src)
	after, _ := os.ReadFile(db)
	if code == 0 || !bytes.Equal(before, after) {
		t.Errorf("failed update: exit %d, database changed: %v", code, !bytes.Equal(before, after))
	}
}

func FuzzDecodeInventory(f *testing.F) {
	f.Add([]byte(`{"bomFormat": "CycloneDX", "components": [{"name": "a", "version": "1", "purl": "pkg:apk/alpine/a@1?distro=alpine-3.18&upstream=b"}]}`))
	f.Add([]byte(`{"spdxVersion": "SPDX-2.3", "packages": [{"name": "x", "versionInfo": "1", "externalRefs": [{"referenceType": "purl", "referenceLocator": "pkg:golang/example.com/x@v1.0.0"}]}]}`))
	f.Add([]byte(`{"packages": [{"name": "a", "version": "1", "ecosystem": "npm"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		inv, _, err := decodeInventory("fuzz.json", b)
		if err != nil {
			return
		}
		for _, p := range inv.Packages {
			if p.Name == "" && p.Ecosystem != "" && p.PURL != "" {
				t.Errorf("package from purl %q has no name", p.PURL)
			}
		}
	})
}

func TestDBPushPullCommands(t *testing.T) {
	host := testutil.Registry(t)
	ref := host + "/sluice/db:test"
	db := importDemo(t)
	if code, out, errs := runCLI(t, "db", "push", "--db", db, "--insecure", ref); code != 0 || !strings.Contains(out, "@sha256:") {
		t.Fatalf("push: exit %d %s %s", code, out, errs)
	}
	dst := filepath.Join(t.TempDir(), "pulled.db")
	if code, out, errs := runCLI(t, "db", "pull", "--db", dst, "--insecure", ref); code != 0 || !strings.Contains(out, "291 advisories") {
		t.Fatalf("pull: exit %d %s %s", code, out, errs)
	}
	if code, _, _ := runCLI(t, "db", "pull", "--db", dst, "--insecure", host+"/nothing:here"); code != ExitError {
		t.Errorf("pull of a missing ref: exit %d", code)
	}
}

func TestDBPathDefaults(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("SLUICE_DB", "")
	os.Unsetenv("SLUICE_DB")
	if code, _, errs := runCLI(t, "db", "import", demoData); code != 0 {
		t.Fatalf("import to the default path: %s", errs)
	}
	if _, err := os.Stat(filepath.Join(cache, "sluice", "db", "sluice.db")); err != nil {
		t.Errorf("default database not under XDG_CACHE_HOME: %v", err)
	}
	other := filepath.Join(t.TempDir(), "env.db")
	t.Setenv("SLUICE_DB", other)
	if code, _, errs := runCLI(t, "db", "import", demoData); code != 0 {
		t.Fatalf("import to $SLUICE_DB: %s", errs)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("SLUICE_DB not honoured: %v", err)
	}
	// --db-max-age: a database older than the limit warns.
	code, _, errs := runCLI(t, "scan", "--db-max-age", "1ns", demoSBOM)
	if code != 0 || !strings.Contains(errs, "sluice db update") {
		t.Errorf("old database: exit %d, stderr %q", code, errs)
	}
}
