package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/internal/testutil"
	"github.com/sluice-dev/sluice/secrets"
	"github.com/sluice-dev/sluice/secrets/rules"
)

// decodeReport reads a -f json report.
func decodeReport(t *testing.T, out string) finding.Result {
	t.Helper()
	var res finding.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("output is not a JSON report: %v\n%s", err, out)
	}
	return res
}

// auditRows lists "RULE location" for each finding of a JSON audit report.
func auditRows(t *testing.T, out string) []string {
	t.Helper()
	res := decodeReport(t, out)
	var rows []string
	for _, f := range res.Findings {
		row := f.Rule
		if f.Location.Path != "" {
			row += fmt.Sprintf(" %s@%d", f.Location.Path, f.Location.LayerIndex)
		}
		rows = append(rows, row)
	}
	slices.Sort(rows)
	return rows
}

func TestAuditCommand(t *testing.T) {
	demo := demoLayout(t)
	// The demo image (demo/image/README.md): root, EXPOSE 22, a password in
	// ENV, busybox, no labels or HEALTHCHECK, and an entrypoint made setuid
	// by layer 3 (the layer 1 copy of it is not judged: replaced).
	demoRows := []string{"AUD001", "AUD002", "AUD003", "AUD004", "AUD005 usr/local/bin/app@3", "AUD007 bin/busybox@0", "AUD008", "AUD011"}
	withAll := append(slices.Clone(demoRows), "AUD009", "AUD010")
	slices.Sort(withAll)
	for _, tc := range []struct {
		name     string
		args     []string
		env      map[string]string
		config   string // .sluice.yaml in the working directory
		wantCode int
		want     []string
		wantOut  string // in the JSON report
		wantErr  string
	}{
		{name: "demo image", args: []string{"oci-dir:" + demo}, want: demoRows},
		{name: "fail-on high", args: []string{demo, "--fail-on", "high"}, wantCode: 1, want: demoRows},
		{name: "registry and age checks by flag", args: []string{demo, "--allowed-registry", "gcr.io/distroless", "--max-age", "90d"}, want: withAll,
			wantOut: "more than the allowed 90 days"},
		{name: "allowed registries and labels from .sluice.yaml", args: []string{demo},
			config: "allowed_registries: [gcr.io/distroless]\nrequired_labels: [org.example.team]\n",
			want:   append(slices.Clone(demoRows[:len(demoRows)-1]), "AUD009", "AUD011"), wantOut: "the image lacks the labels org.example.team\""},
		{name: "the flag wins over the config", args: []string{demo, "--required-label", "org.example.owner"},
			config: "required_labels: [org.example.team]\n", want: demoRows, wantOut: "the image lacks the labels org.example.owner\""},
		{name: "environment list", args: []string{demo}, env: map[string]string{"SLUICE_ALLOWED_REGISTRY": "gcr.io/distroless, registry.example"},
			want: append(slices.Clone(demoRows), "AUD009"), wantOut: "the base image is unknown"},
		{name: "directory", args: []string{"dir:" + t.TempDir()}, wantCode: 2, wantErr: "this is a directory"},
		{name: "bad max-age", args: []string{demo, "--max-age", "soon"}, wantCode: 2, wantErr: "a number of days (90d)"},
		{name: "no image", args: []string{}, wantCode: 2, wantErr: "one IMAGE"},
		{name: "missing archive", args: []string{"./missing.tar"}, wantCode: 2, wantErr: "missing.tar"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			if tc.config != "" {
				if err := os.WriteFile(".sluice.yaml", []byte(tc.config), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			code, out, errs := runCLI(t, append([]string{"audit", "--no-cache", "-f", "json"}, tc.args...)...)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d\n%s", code, tc.wantCode, errs)
			}
			if !strings.Contains(errs, tc.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tc.wantErr, errs)
			}
			if tc.wantCode == 2 {
				return
			}
			slices.Sort(tc.want)
			if diff := cmp.Diff(tc.want, auditRows(t, out)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			if !strings.Contains(out, tc.wantOut) || strings.Contains(out, "Sup3rS3cretDemoPassw0rd") {
				t.Errorf("report lacks %q or shows the ENV password:\n%s", tc.wantOut, out)
			}
		})
	}
}

// TestAuditFinalView: the file checks judge the final filesystem, from the
// facts recorded while the layers were read: chmod-ed, deleted and
// re-declared entries of lower layers do not count, and a warm run from the
// cache says the same.
func TestAuditFinalView(t *testing.T) {
	dir := t.TempDir()
	archive := filepath.Join(dir, "app.tar")
	testutil.WriteDockerArchive(t, archive, map[string]v1.Image{"example.com/app:1": testutil.Image(t,
		testutil.Step{CreatedBy: "ADD rootfs.tar /", Layer: testutil.Layer(t,
			testutil.File{Path: "usr/bin/su", Content: elfStub, Mode: 0o4755},
			testutil.File{Path: "usr/bin/newgrp", Content: elfStub, Mode: 0o4755},
			testutil.File{Path: "var/cache", Dir: true, Mode: 0o777},
			testutil.File{Path: "srv/data", Dir: true, Mode: 0o777},
			testutil.File{Path: "tmp", Dir: true, Mode: 0o1777},
			testutil.File{Path: "usr/sbin/sshd", Content: elfStub, Mode: 0o755},
		)},
		testutil.Step{CreatedBy: "RUN chmod u-s /usr/bin/newgrp && chmod 755 /var/cache && rm /usr/bin/su /usr/sbin/sshd", Layer: testutil.Layer(t,
			testutil.Whiteout("usr/bin/su"),
			testutil.Whiteout("usr/sbin/sshd"),
			testutil.File{Path: "usr/bin/newgrp", Content: elfStub, Mode: 0o755},
			testutil.File{Path: "var/cache", Dir: true, Mode: 0o755},
			testutil.File{Path: "app/config.json", Content: "{}", Mode: 0o666},
		)},
	)})
	cache := filepath.Join(dir, "layers")
	want := []string{"AUD001", "AUD006 app/config.json@1", "AUD006 srv/data@0", "AUD008", "AUD011"}
	for _, pass := range []string{"cold", "warm"} {
		code, out, errs := runCLI(t, "audit", "--cache-dir", cache, "-f", "json", archive)
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s", pass, code, errs)
		}
		if diff := cmp.Diff(want, auditRows(t, out)); diff != "" {
			t.Errorf("%s: findings (-want +got):\n%s", pass, diff)
		}
	}
}

// TestAnalyzeTargetOnePass: one analyzeTarget call gives the inventory, the
// secrets and the audit facts, and a second one takes all three from one
// cache entry per layer.
func TestAnalyzeTargetOnePass(t *testing.T) {
	demo := demoLayout(t)
	scanner, err := secrets.New(secrets.Config{Rules: rules.All(), Allowlists: rules.Allowlists()}, secrets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := &app{stdio: Stdio{Err: &strings.Builder{}}, noProgress: true}
	flags := &imageFlags{cacheDir: filepath.Join(t.TempDir(), "layers")}
	req := analysisRequest{Packages: true, Secrets: scanner, Audit: true}
	for _, pass := range []string{"cold", "warm"} {
		ta, err := a.analyzeTarget(context.Background(), demo, flags, req)
		if err != nil {
			t.Fatal(err)
		}
		wantCached := map[string]int{"cold": 0, "warm": 4}[pass]
		if len(ta.Inventory.Packages) != 69 || len(ta.Secrets) != 2 || ta.Audit == nil || len(ta.Audit.Files) == 0 || ta.Audit.Config == nil || ta.CachedLayers != wantCached {
			t.Errorf("%s: %d packages, %d secrets, audit %v, %d cached layers; want 69, 2, the image with files, %d",
				pass, len(ta.Inventory.Packages), len(ta.Secrets), ta.Audit != nil, ta.CachedLayers, wantCached)
		}
	}
}
