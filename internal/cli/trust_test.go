package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/sluice-dev/sluice/internal/testutil"
)

// run calls Main as the binary would and returns exit code and output.
func run(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, Stdio{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, out.String() + errb.String()
}

func pushRandom(t *testing.T, ref string) {
	t.Helper()
	img, err := random.Image(128, 1)
	if err != nil {
		t.Fatal(err)
	}
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatal(err)
	}
}

// TestTrustCommands runs keygen, sign, verify, attest, verify-attestation
// and promote end to end against an in-process registry.
func TestTrustCommands(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SLUICE_PASSWORD", "correct horse")
	t.Setenv("COSIGN_PASSWORD", "")
	host := testutil.Registry(t)
	img := host + "/staging/app:rc1"
	pushRandom(t, img)
	pushRandom(t, host+"/prod/app:taken")
	shop := host + "/staging/shop:1"
	testutil.Push(t, shop, demoPackagesImage(t))
	db := importDemo(t)
	prefix := filepath.Join(dir, "release")
	key, pub := prefix+".key", prefix+".pub"
	bom := filepath.Join(dir, "bom.json")
	if err := os.WriteFile(bom, []byte(`{"bomFormat":"CycloneDX","specVersion":"1.5"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other")

	steps := []struct {
		name     string
		args     []string
		wantCode int
		want     []string
	}{
		{name: "keygen", args: []string{"keygen", "--output-key-prefix", prefix}, want: []string{"release.key (encrypted)"}},
		{name: "keygen-refuses-overwrite", args: []string{"keygen", "--output-key-prefix", prefix}, wantCode: 2, want: []string{"refusing to overwrite"}},
		{name: "keygen-other", args: []string{"keygen", "--output-key-prefix", other}},
		{name: "verify-unsigned", args: []string{"verify", img, "--key", pub}, wantCode: 1, want: []string{"No signatures found"}},
		{name: "sign-bundle", args: []string{"sign", img, "--key", key, "-a", "stage=qa"}, want: []string{"resolves to sha256:", "format bundle", "Offline: no transparency log"}},
		{name: "sign-legacy", args: []string{"sign", img, "--key", key, "--format", "legacy"}, want: []string{"format legacy", ".sig"}},
		{name: "verify", args: []string{"verify", img, "--key", pub}, want: []string{"Verified signature (bundle)", "Verified signature (legacy)"}},
		{name: "verify-annotation", args: []string{"verify", img, "--key", pub, "-a", "stage=qa", "--explain"}, want: []string{"Verified signature (bundle)", "Rejected signature (legacy)", "the signature has no stage"}},
		{name: "verify-wrong-key", args: []string{"verify", img, "--key", other + ".pub", "--explain"}, wantCode: 1, want: []string{"signature does not match the public key"}},
		{name: "verify-json", args: []string{"verify", img, "--key", pub, "-o", "json"}, want: []string{`"verified": true`}},
		{name: "sign-bad-format", args: []string{"sign", img, "--key", key, "--format", "x"}, wantCode: 2, want: []string{"want bundle or legacy"}},
		{name: "sign-no-key", args: []string{"sign", img}, wantCode: 2, want: []string{"--key is required"}},
		{name: "attest", args: []string{"attest", img, "--key", key, "--predicate", bom, "--type", "cyclonedx"}, want: []string{"predicate https://cyclonedx.org/bom"}},
		{name: "attest-sbom", args: []string{"attest", shop, "--key", key, "--sbom", "--insecure"}, want: []string{"predicate https://cyclonedx.org/bom"}},
		{name: "attest-scan", args: []string{"attest", shop, "--key", key, "--scan", "--db", db, "--insecure"}, want: []string{"predicate https://cosign.sigstore.dev/attestation/vuln/v1"}},
		{name: "verify-attestation-sbom", args: []string{"verify-attestation", shop, "--key", pub, "--type", "cyclonedx"}, want: []string{"Verified attestation (bundle)", `"name": "requests"`}},
		{name: "verify-attestation-vuln", args: []string{"verify-attestation", shop, "--key", pub, "--type", "vuln"}, want: []string{"Verified attestation (bundle)", "CVE-2023-32681", `"scanFinishedOn"`}},
		{name: "attest-scan-without-db", args: []string{"attest", shop, "--key", key, "--scan", "--db", filepath.Join(dir, "none.db")}, wantCode: 2},
		{name: "verify-attestation", args: []string{"verify-attestation", img, "--key", pub, "--type", "cyclonedx"}, want: []string{"Verified attestation (bundle)", `"bomFormat": "CycloneDX"`}},
		{name: "verify-attestation-other-type", args: []string{"verify-attestation", img, "--key", pub, "--type", "spdx", "--explain"}, wantCode: 1, want: []string{"predicate type https://cyclonedx.org/bom, want https://spdx.dev/Document"}},
		{name: "promote-refused", args: []string{"promote", img, host + "/prod/app:1.0", "--key", pub, "--key", other + ".pub"}, wantCode: 1, want: []string{"Refused", "no valid signature from " + other + ".pub"}},
		{name: "promote", args: []string{"promote", img, host + "/prod/app:1.0", "--key", pub, "--attestation", "cyclonedx"}, want: []string{"Trust policy passed", "copied " + host + "/prod/app:1.0"}},
		{name: "verify-promoted", args: []string{"verify", host + "/prod/app:1.0", "--key", pub}, want: []string{"Verified signature (bundle)", "Verified signature (legacy)"}},
		{name: "promote-immutable-tag", args: []string{"promote", img, host + "/prod/app:taken", "--key", pub}, wantCode: 1, want: []string{"use --force"}},
		{name: "promote-force", args: []string{"promote", img, host + "/prod/app:taken", "--key", pub, "--force"}, want: []string{"Promoted"}},
		{name: "promote-insecure-remote", args: []string{"promote", "registry.example.com/a:1", host + "/b:1", "--key", pub, "--insecure"}, wantCode: 2, want: []string{"--insecure is allowed only for localhost"}},
		{name: "moved-tag", args: []string{"verify", host + "/prod/app:taken", "--key", pub}, want: []string{"Verified signature"}},
		{name: "promote-no-key", args: []string{"promote", img, host + "/prod/app:2"}, wantCode: 2, want: []string{"--key is required"}},
	}
	for _, s := range steps {
		if s.name == "moved-tag" {
			pushRandom(t, host+"/prod/app:taken") // the tag moves to an unsigned image
			s.wantCode, s.want = 1, []string{"No signatures found", "do not count"}
		}
		code, out := run(t, s.args...)
		if code != s.wantCode {
			t.Errorf("%s: exit %d, want %d\n%s", s.name, code, s.wantCode, out)
			continue
		}
		for _, w := range s.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: output lacks %q:\n%s", s.name, w, out)
			}
		}
	}
}

func TestSignPasswordRequired(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SLUICE_PASSWORD", "pw")
	prefix := filepath.Join(dir, "k")
	if code, out := run(t, "keygen", "--output-key-prefix", prefix); code != 0 {
		t.Fatal(out)
	}
	os.Unsetenv("SLUICE_PASSWORD")
	os.Unsetenv("COSIGN_PASSWORD")
	code, out := run(t, "sign", "127.0.0.1:1/app:1", "--key", prefix+".key")
	if code != 2 || !strings.Contains(out, "set SLUICE_PASSWORD") {
		t.Errorf("exit %d, output %q: want 2 and a hint about SLUICE_PASSWORD", code, out)
	}
	t.Setenv("COSIGN_PASSWORD", "wrong")
	code, out = run(t, "sign", "127.0.0.1:1/app:1", "--key", prefix+".key")
	if code != 2 || !strings.Contains(out, "wrong password") {
		t.Errorf("exit %d, output %q: want 2 and wrong password", code, out)
	}
}
