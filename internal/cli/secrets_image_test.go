package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/internal/testutil"
)

// stripeTestKey is a test-mode key: the rule rates it low, so deletion
// raising it to high shows.
const stripeTestKey = "sk_test_X0moDoqW4sg8NFNl5oFA6Qd8"

// secretRow is the comparable part of a secret finding on an image.
type secretRow struct {
	Rule, Path string
	Layer      int
	Deleted    bool
	Severity   string
	Suppressed string
}

func secretRows(t *testing.T, out string) ([]secretRow, finding.Result) {
	t.Helper()
	res := decodeReport(t, out)
	var rows []secretRow
	for _, f := range res.Findings {
		sup := ""
		if f.Suppressed != nil {
			sup = f.Suppressed.Kind
		}
		rows = append(rows, secretRow{f.Rule, f.Location.Path, f.Location.LayerIndex, f.Location.Deleted, f.Severity.String(), sup})
	}
	return rows, res
}

func TestSecretsImage(t *testing.T) {
	demo := demoLayout(t)
	dir := t.TempDir()
	archive := filepath.Join(dir, "app.tar")
	testutil.WriteDockerArchive(t, archive, map[string]v1.Image{"example.com/app:1": testutil.Image(t,
		testutil.Step{CreatedBy: "COPY . /app", Layer: testutil.Layer(t,
			testutil.File{Path: "app/old.env", Content: "STRIPE_KEY=" + stripeTestKey + "\n"},
			testutil.File{Path: "app/live.env", Content: "STRIPE_KEY=" + stripeTestKey + "\n"},
		)},
		testutil.Step{CreatedBy: "RUN rm /app/old.env", Layer: testutil.Layer(t, testutil.Whiteout("app/old.env"))},
	)})
	demoRows := []secretRow{
		{"aws-access-key-id", "app/.env", 2, true, "critical", ""},
		{"aws-secret-access-key", "app/.env", 2, true, "critical", ""},
	}
	for _, tc := range []struct {
		name     string
		args     []string
		wantCode int
		want     []secretRow
	}{
		{"demo image: the key deleted in layer 3 is still in layer 2", []string{"oci-dir:" + demo, "--fail-on", "high"}, 1, demoRows},
		{"OCI layout detected without a scheme", []string{demo}, 0, demoRows},
		{"deleted low-severity secret becomes high", []string{"docker-archive:" + archive, "--fail-on", "high"}, 1, []secretRow{
			{"stripe-test-secret-key", "app/old.env", 0, true, "high", ""},
			{"stripe-test-secret-key", "app/live.env", 0, false, "low", ""},
		}},
		{"image archive detected without a scheme", []string{archive}, 0, []secretRow{
			{"stripe-test-secret-key", "app/old.env", 0, true, "high", ""},
			{"stripe-test-secret-key", "app/live.env", 0, false, "low", ""},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"secrets", "-f", "json", "--cache-dir", filepath.Join(dir, "layers")}, tc.args...)
			code, out, errs := runCLI(t, args...)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d\n%s", code, tc.wantCode, errs)
			}
			got, res := secretRows(t, out)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			if res.Target.Kind != "image" || !strings.Contains(out, "…") || strings.Contains(out, stripeTestKey) || strings.Contains(out, "AKIAZ3MSLUICEDEMO7QX") {
				t.Errorf("target %+v, or a secret printed whole:\n%s", res.Target, out)
			}
			for _, f := range res.Findings {
				if f.Location.Deleted && !strings.Contains(f.Message, "deleted by a later layer") {
					t.Errorf("%s: message does not say the file was deleted: %s", f.Rule, f.Message)
				}
			}
		})
	}
}

// TestSecretsImageCache: a warm run takes every layer from the cache, and
// --show-secrets never writes a layer result (whole secrets) to disk.
func TestSecretsImageCache(t *testing.T) {
	demo := demoLayout(t)
	cache := filepath.Join(t.TempDir(), "layers")
	runCLI(t, "secrets", "--cache-dir", cache, demo)
	code, _, errs := runCLI(t, "secrets", "--cache-dir", cache, "-f", "json", demo)
	if code != 0 || !strings.Contains(errs, "4 layers read with") || !strings.Contains(errs, "4 of them from the layer cache") {
		t.Errorf("warm run: exit %d, notes:\n%s", code, errs)
	}
	fresh := filepath.Join(t.TempDir(), "layers")
	code, out, errs := runCLI(t, "secrets", "--cache-dir", fresh, "--show-secrets", "-f", "json", demo)
	if code != 0 || !strings.Contains(out, "AKIAZ3MSLUICEDEMO7QX") || !strings.Contains(errs, "layer cache was not used") {
		t.Errorf("--show-secrets: exit %d, secret shown %v, notes:\n%s", code, strings.Contains(out, "AKIAZ3MSLUICEDEMO7QX"), errs)
	}
	if entries, err := os.ReadDir(fresh); err == nil && len(entries) > 0 {
		t.Errorf("--show-secrets wrote the layer cache: %v", entries)
	}
}

// TestSecretsImageIgnoreAndErrors: .gitleaksignore in the current directory
// applies to an image; git-only flags are refused.
func TestSecretsImageIgnoreAndErrors(t *testing.T) {
	demo := demoLayout(t)
	t.Chdir(t.TempDir())
	fp := "app/.env:aws-secret-access-key:3" // without the layer: the same in every image
	if err := os.WriteFile(".gitleaksignore", []byte(fp+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "secrets", "--no-cache", "-f", "json", demo)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	got, _ := secretRows(t, out)
	want := []secretRow{
		{"aws-access-key-id", "app/.env", 2, true, "critical", ""},
		{"aws-secret-access-key", "app/.env", 2, true, "critical", "ignore-file"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	for _, args := range [][]string{
		{"secrets", "--history", "oci-dir:" + demo},
		{"secrets", "--staged", demo},
	} {
		if code, _, errs := runCLI(t, args...); code != ExitError || !strings.Contains(errs, "is an image") {
			t.Errorf("%v: exit %d, stderr %q; want 2 saying the target is an image", args, code, errs)
		}
	}
}
