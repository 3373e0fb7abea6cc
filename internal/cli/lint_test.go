package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/internal/cli"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func runLint(t *testing.T, dir, stdin string, args ...string) (int, finding.Result, string) {
	t.Helper()
	var out, errb bytes.Buffer
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	code := cli.Main(context.Background(), append([]string{"lint"}, args...), cli.Stdio{In: strings.NewReader(stdin), Out: &out, Err: &errb})
	var res finding.Result
	if out.Len() > 0 {
		if err := json.Unmarshal(out.Bytes(), &res); err != nil {
			t.Fatalf("output is not JSON: %v\n%s", err, out.String())
		}
	}
	return code, res, errb.String()
}

// active lists "path:line:RULE" of the unsuppressed findings, sorted.
func active(res finding.Result) []string {
	var out []string
	for _, f := range res.Findings {
		if f.Active() {
			out = append(out, f.Location.Path+":"+itoa(f.Location.Line)+":"+f.Rule)
		}
	}
	slices.Sort(out)
	return out
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

const flawed = `FROM debian:latest
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10 && rm -rf /var/lib/apt/lists/*
USER 1000
HEALTHCHECK CMD curl -fsS http://localhost/ || exit 1
`

func TestLintCommand(t *testing.T) {
	tests := []struct {
		name   string
		files  map[string]string
		stdin  string
		args   []string
		code   int
		want   []string
		stderr string
	}{
		{
			name:  "file-fail-on-medium",
			files: map[string]string{"Dockerfile": flawed},
			args:  []string{"Dockerfile", "-f", "json", "--fail-on", "medium"},
			code:  1,
			want:  []string{"Dockerfile:1:DL3007"},
		},
		{
			name:  "below-threshold-passes",
			files: map[string]string{"Dockerfile": flawed},
			args:  []string{"Dockerfile", "-f", "json", "--fail-on", "high"},
			code:  0,
			want:  []string{"Dockerfile:1:DL3007"},
		},
		{
			name:  "stdin",
			stdin: "FROM alpine:3.20\nRUN curl -fsSL https://x/i.sh | sh\nUSER 1\nHEALTHCHECK NONE\n",
			args:  []string{"-", "-f", "json", "--fail-on", "high"},
			code:  1,
			want:  []string{"-:2:DL4006", "-:2:SL1004"},
		},
		{
			name: "directory-walk",
			files: map[string]string{
				"Dockerfile":                    flawed,
				"svc/api.Dockerfile":            flawed,
				"svc/Containerfile":             flawed,
				"svc/Dockerfile.dev":            flawed,
				"node_modules/x/Dockerfile":     flawed,
				"svc/README.md":                 "FROM x\n",
				".hadolint.yaml":                "ignored: [DL3007]\n",
				"svc/Dockerfile.dev.bak/ignore": "x",
			},
			args: []string{".", "-f", "json", "--strict"},
			code: 0,
			want: []string{"Dockerfile:1:SL1006", "svc/Containerfile:1:SL1006", "svc/Dockerfile.dev:1:SL1006", "svc/api.Dockerfile:1:SL1006"},
		},
		{
			name:  "hadolint-threshold-and-trusted",
			files: map[string]string{"Dockerfile": flawed, "ci.yaml": "failure-threshold: error\ntrustedRegistries: [registry.example.com]\n"},
			args:  []string{"Dockerfile", "-f", "json", "--hadolint-config", "ci.yaml"},
			code:  1,
			want:  []string{"Dockerfile:1:DL3007", "Dockerfile:1:DL3026"},
		},
		{
			name:  "no-fail",
			files: map[string]string{"Dockerfile": flawed, ".hadolint.yaml": "no-fail: true\n"},
			args:  []string{"Dockerfile", "-f", "json"},
			code:  0,
			want:  []string{"Dockerfile:1:DL3007"},
		},
		{
			name:  "parse-error-is-a-finding",
			files: map[string]string{"Dockerfile": "FROM debian:12\nRUN <<EOF\necho\n"},
			args:  []string{"Dockerfile", "-f", "json", "--fail-on", "high"},
			code:  1,
			want:  []string{"Dockerfile:2:DL1000"},
		},
		{
			name:   "missing-file",
			args:   []string{"nope/Dockerfile", "-f", "json"},
			code:   2,
			stderr: "nope/Dockerfile",
		},
		{
			name:   "bad-hadolint-config",
			files:  map[string]string{"Dockerfile": flawed, ".hadolint.yaml": "label-schema: {a: number}\n"},
			args:   []string{"Dockerfile", "-f", "json"},
			code:   2,
			stderr: ".hadolint.yaml",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, tt.files)
			code, res, stderr := runLint(t, dir, tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d; stderr: %s", code, tt.code, stderr)
			}
			if tt.stderr != "" && !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr %q does not name %q", stderr, tt.stderr)
			}
			if tt.code == 2 {
				return
			}
			if diff := cmp.Diff(tt.want, active(res)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			if res.Target.Kind != "dockerfile" || len(res.Rules) < 80 {
				t.Errorf("target %+v, %d rules listed; want every rule that ran", res.Target, len(res.Rules))
			}
		})
	}
}

func TestLintSuppressedStayInReport(t *testing.T) {
	dir := writeFiles(t, map[string]string{"Dockerfile": "# sluice:ignore DL3007 base is rebuilt nightly\n" + flawed})
	code, res, _ := runLint(t, dir, "", "Dockerfile", "-f", "json", "--fail-on", "low")
	if code != 0 {
		t.Errorf("exit code %d, want 0: the only finding is suppressed", code)
	}
	if len(res.Findings) != 1 || res.Findings[0].Suppressed == nil || res.Findings[0].Suppressed.Reason != "base is rebuilt nightly" || res.Summary.Suppressed != 1 {
		t.Errorf("findings = %+v summary = %+v", res.Findings, res.Summary)
	}
}
