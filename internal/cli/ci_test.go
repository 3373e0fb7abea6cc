package cli

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/internal/testutil"
)

// TestCIDemoProject runs the bundled demo pipeline (demo/ci) without its
// image: the planted problems fail the policy with reasons naming them, every
// report asked for is written from the one run, and the team's accepted
// exceptions make the same run pass.
func TestCIDemoProject(t *testing.T) {
	t.Chdir("../../demo/ci")
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "ci", "-f", "json", "--no-cache",
		"--report", "sarif="+filepath.Join(out, "r.sarif"),
		"--report", "junit="+filepath.Join(out, "r.xml"),
		"--report", "gitlab="+filepath.Join(out, "gl.json"))
	if code != 1 {
		t.Fatalf("exit %d, want 1 (policy fails)\n%s", code, stderr)
	}
	var res finding.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("stdout is not the JSON report: %v", err)
	}
	reasons := strings.Join(res.Decision.Reasons, "\n")
	for _, want := range []string{"secret aws-access-key-id", "secret private-key", "config DC002", "config K8S012", "no-docker-socket"} {
		if !strings.Contains(reasons, want) {
			t.Errorf("decision reasons do not name %q:\n%s", want, reasons)
		}
	}
	for _, stage := range []string{"lint: passed", "secrets: failed", "config: failed"} {
		if !strings.Contains(stderr, "sluice ci: "+stage) {
			t.Errorf("stderr lacks stage line %q:\n%s", stage, stderr)
		}
	}
	var sarif struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	readJSON(t, filepath.Join(out, "r.sarif"), &sarif)
	if sarif.Version != "2.1.0" || len(sarif.Runs) != 1 || len(sarif.Runs[0].Results) == 0 {
		t.Errorf("SARIF report: version %q, %d runs", sarif.Version, len(sarif.Runs))
	}
	var gl struct {
		Vulnerabilities []json.RawMessage `json:"vulnerabilities"`
	}
	readJSON(t, filepath.Join(out, "gl.json"), &gl)
	if len(gl.Vulnerabilities) == 0 {
		t.Error("GitLab report has no vulnerabilities")
	}
	b, err := os.ReadFile(filepath.Join(out, "r.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var junit struct {
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal(b, &junit); err != nil || junit.Failures == 0 {
		t.Errorf("JUnit report: %v, %d failures", err, junit.Failures)
	}

	code, stdout, stderr = runCLI(t, "ci", "-f", "json", "--no-cache", "--exceptions", "accepted.sluiceignore")
	if code != 0 {
		t.Fatalf("with accepted exceptions: exit %d, want 0\n%s%s", code, stdout, stderr)
	}
	res = finding.Result{}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if res.Summary.Suppressed != 4 || !res.Decision.Pass {
		t.Errorf("suppressed %d, pass %v; want 4 and true", res.Summary.Suppressed, res.Decision.Pass)
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// writeCIConfig writes .sluice.yaml into a fresh directory and enters it.
func writeCIConfig(t *testing.T, yaml string, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	files[".sluice.yaml"] = yaml
	for name, text := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// demoImageLayout writes demoPackagesImage as an OCI layout.
func demoImageLayout(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "layout")
	testutil.WriteOCILayout(t, dir, map[string]v1.Image{"app:1": demoPackagesImage(t)})
	return dir
}

// demoPackagesImage is a one-layer image with the demo's Alpine 3.16
// package database and Python requirements.
func demoPackagesImage(t *testing.T) v1.Image {
	t.Helper()
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("../../demo/image/files", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	return testutil.Image(t, testutil.Step{CreatedBy: "ADD rootfs /", Layer: testutil.Layer(t, testutil.Files(map[string]string{
		"etc/os-release":       read("os-release"),
		"lib/apk/db/installed": read("apk-installed"),
		"app/requirements.txt": read("requirements.txt"),
	})...)})
}

func TestCIImageAndScan(t *testing.T) {
	db := importDemo(t)
	layout := demoImageLayout(t)
	writeCIConfig(t, `targets:
  image: oci-dir:`+layout+`
policy:
  thresholds: {vuln: unknown}
  only_fixed: true
`, map[string]string{})
	code, stdout, stderr := runCLI(t, "ci", "--db", db, "--no-cache", "-f", "json")
	if code != 1 {
		t.Fatalf("exit %d, want 1: fixable vulnerabilities fail\n%s", code, stderr)
	}
	var res finding.Result
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if res.Summary.Total() == 0 || !strings.Contains(strings.Join(res.Decision.Reasons, "\n"), "vuln CVE-2023-32681") {
		t.Errorf("want the requests CVE among the reasons, got %d findings:\n%s", res.Summary.Total(), strings.Join(res.Decision.Reasons, "\n"))
	}
	if len(res.Sources) == 0 {
		t.Error("the report does not name the advisory sources")
	}
	for _, stage := range []string{"image: passed", "scan: failed"} {
		if !strings.Contains(stderr, "sluice ci: "+stage) {
			t.Errorf("stderr lacks %q:\n%s", stage, stderr)
		}
	}
}

func TestCIStagesAndGate(t *testing.T) {
	goBin, err := exec.LookPath("go") // a program every machine that runs these tests has
	if err != nil {
		t.Skip("go not on PATH")
	}
	tests := []struct {
		name     string
		yaml     string
		args     []string
		code     int
		stderr   []string
		noStderr []string
	}{
		{
			name: "push runs only when the gate passes",
			yaml: "targets: {dockerfiles: [Dockerfile]}\npolicy: {fail_on: medium}\npush: {run: [" + goBin + ", version]}\n",
			code: 1, stderr: []string{"lint: failed", "push     skipped the policy failed"},
		},
		{
			name: "push after a passing gate",
			yaml: "targets: {dockerfiles: [Dockerfile]}\npolicy: {fail_on: critical}\npush: {run: [" + goBin + ", version]}\n",
			code: 0, stderr: []string{"lint: passed", "push: passed"},
		},
		{
			name: "a failing build stops the stages that need it",
			yaml: "targets: {image: oci-dir:nowhere, dockerfiles: [Dockerfile]}\nbuild: {run: [" + goBin + ", no-such-command]}\n",
			code: 1, stderr: []string{"build: error", "image: skipped", "lint: passed"},
		},
		{
			name: "offline refuses to run a configured command",
			yaml: "targets: {dockerfiles: [Dockerfile]}\npolicy: {fail_on: critical}\npush: {run: [" + goBin + ", version]}\n",
			args: []string{"--offline"}, code: 1, stderr: []string{"push: error", "offline: refusing to run a configured command"},
		},
		{
			name: "fail-fast starts nothing after a failure",
			yaml: "targets: {dockerfiles: [Dockerfile], source: src}\npolicy: {fail_on: low}\nstages: {secrets: true}\n",
			args: []string{"--fail-fast"}, code: 1, stderr: []string{"lint: failed"},
		},
		{
			name: "nothing configured is a usage error",
			yaml: "version: 1\n", code: 2, stderr: []string{"nothing to do"},
		},
		{
			name: "an unknown report format is a usage error",
			yaml: "targets: {dockerfiles: [Dockerfile]}\n", args: []string{"--report", "sarif3=x"}, code: 2,
			stderr: []string{`unknown format "sarif3"`},
		},
		{
			name: "sign needs an image",
			yaml: "targets: {dockerfiles: [Dockerfile]}\nsign: {key: cosign.key}\n", code: 2,
			stderr: []string{"need an image"},
		},
		{
			name: "a bad CEL rule names itself",
			yaml: "targets: {dockerfiles: [Dockerfile]}\npolicy: {rules: [{name: broken, expr: 'findings.size() +'}]}\n", code: 2,
			stderr: []string{"broken"},
		},
		{
			name: "-q keeps stage lines off stderr",
			yaml: "targets: {dockerfiles: [Dockerfile]}\n", args: []string{"-q"}, code: 0,
			noStderr: []string{"sluice ci:"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			writeCIConfig(t, tt.yaml, map[string]string{
				"Dockerfile":  "FROM alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000\nRUN apk add curl\nUSER 10001\n",
				"src/app.env": "AWS_ACCESS_KEY_ID=AKIA" + "SLUICETESTKEY234\n",
			})
			code, _, stderr := runCLI(t, append([]string{"ci", "--no-cache"}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s", code, tt.code, stderr)
			}
			for _, want := range tt.stderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			for _, bad := range tt.noStderr {
				if strings.Contains(stderr, bad) {
					t.Errorf("stderr has %q:\n%s", bad, stderr)
				}
			}
		})
	}
}
