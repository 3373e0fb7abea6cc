package cli

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/registry"

	"github.com/sluice-dev/sluice/finding"
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
		"pyyaml CVE-2020-14343":   "suppressed:vex",
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
	if !strings.Contains(out, "busybox 1.35.0-r17 (Alpine)\n  UNKNOWN") {
		t.Errorf("table not grouped by package:\n%s", out)
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
	code, _, errs = runCLI(t, "scan", "--db", db, "registry:alpine:3.18")
	if code != ExitError || !strings.Contains(errs, "sluice sbom") {
		t.Errorf("image target: exit %d, stderr %q", code, errs)
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
	inv, kind, err := readInventoryFile(p)
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
	want := []row{{"libssl3", "3.1.0-r4", "Alpine", "openssl"}, {"golang.org/x/net", "v0.7.0", "Go", ""}}
	if diff := cmp.Diff(want, got); diff != "" || kind != "sbom" || inv.Distro == nil || inv.Distro.VersionID != "3.18.0" {
		t.Errorf("(-want +got):\n%s\nkind %s distro %+v", diff, kind, inv.Distro)
	}
	invJSON := `{"distro": {"id": "debian", "version_id": "11"}, "packages": [{"name": "libcurl4", "version": "7.74.0-1.3+deb11u3", "ecosystem": "Debian", "purl": "", "type": "deb", "source": {"name": "curl", "version": "7.74.0-1.3+deb11u3"}, "locations": [{"path": "var/lib/dpkg/status", "layer_index": 0}], "cataloger": "dpkg"}]}`
	p = filepath.Join(dir, "inv.json")
	os.WriteFile(p, []byte(invJSON), 0o644)
	inv, kind, err = readInventoryFile(p)
	if err != nil || kind != "inventory" || len(inv.Packages) != 1 || inv.Packages[0].Source.Name != "curl" {
		t.Errorf("inventory: %v %s %+v", err, kind, inv)
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
	srv := httptest.NewServer(registry.New())
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	ref := u.Host + "/sluice/db:test"
	db := importDemo(t)
	if code, out, errs := runCLI(t, "db", "push", "--db", db, "--insecure", ref); code != 0 || !strings.Contains(out, "@sha256:") {
		t.Fatalf("push: exit %d %s %s", code, out, errs)
	}
	dst := filepath.Join(t.TempDir(), "pulled.db")
	if code, out, errs := runCLI(t, "db", "pull", "--db", dst, "--insecure", ref); code != 0 || !strings.Contains(out, "291 advisories") {
		t.Fatalf("pull: exit %d %s %s", code, out, errs)
	}
	if code, _, _ := runCLI(t, "db", "pull", "--db", dst, "--insecure", u.Host+"/nothing:here"); code != ExitError {
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
