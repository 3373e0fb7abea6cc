package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/internal/cli"
	"github.com/sluice-dev/sluice/report"
)

const (
	cliAWSKey = "AKIAUJZDEGXDNCF32EPF"
	cliGHPAT  = "ghp_5DQL05HA064GiIjHGb3CXlMaXZjljENUhJdu"
	cliKey    = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACBx3P0aFJmXq0Fq3Zp1mvXy0q9NKQ3oW9wYq9zxJ3sV1AAAAJgAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"
)

func run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(context.Background(), args, cli.Stdio{In: strings.NewReader(stdin), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func decode(t *testing.T, out string) finding.Result {
	t.Helper()
	var res finding.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("output is not a JSON report: %v\n%s", err, out)
	}
	return res
}

type row struct {
	Rule, Path string
	Line       int
	Suppressed string
}

func rows(res finding.Result) []row {
	var out []row
	for _, f := range res.Findings {
		r := row{Rule: f.Rule, Path: f.Location.Path, Line: f.Location.Line}
		if f.Suppressed != nil {
			r.Suppressed = f.Suppressed.Kind
		}
		out = append(out, r)
	}
	return out
}

func TestSecretsCommand(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"app/.env":          "REGION=eu\nAWS_ACCESS_KEY_ID=" + cliAWSKey + "\n",
		"deploy/id_ed25519": cliKey,
		"ci.sh":             "export GITHUB_TOKEN=" + cliGHPAT + " # sluice:allow\n",
		"README.md":         "nothing to see\n",
	})
	cases := []struct {
		name     string
		args     []string
		stdin    string
		wantCode int
		want     []row
		wantErr  string
	}{
		{"dir fail-on high", []string{"secrets", "-f", "json", "--fail-on", "high", dir}, "", 1, []row{
			{"aws-access-key-id", "app/.env", 2, ""},
			{"private-key", "deploy/id_ed25519", 1, ""},
			{"github-pat", "ci.sh", 1, "inline"},
		}, ""},
		{"no fail-on passes", []string{"secrets", "-f", "json", dir}, "", 0, nil, ""},
		{"fail-on critical only suppressed high", []string{"secrets", "-f", "json", "--fail-on", "critical", filepath.Join(dir, "ci.sh")}, "", 0, []row{
			{"github-pat", filepath.ToSlash(filepath.Join(dir, "ci.sh")), 1, "inline"},
		}, ""},
		{"stdin", []string{"secrets", "-f", "json", "--fail-on", "low", "-"}, "token: " + cliGHPAT + "\n", 1, []row{{"github-pat", "-", 1, ""}}, ""},
		{"missing target", []string{"secrets", "-f", "json", filepath.Join(dir, "nope")}, "", 2, nil, "nope"},
		{"directory given as an image", []string{"secrets", "-f", "json", "oci-dir:" + dir}, "", 2, nil, "index.json"},
		{"sbom target", []string{"secrets", "-f", "json", "sbom:" + filepath.Join(dir, "bom.json")}, "", 2, nil, "an SBOM lists packages"},
		{"bare name is a missing directory, not a registry lookup", []string{"secrets", "-f", "json", "nope-not-here"}, "", 2, nil, "target nope-not-here"},
		{"bad flags", []string{"secrets", "--staged", "--history", dir}, "", 2, nil, "exclude"},
		{"since without history", []string{"secrets", "--since", "2024-01-01", dir}, "", 2, nil, "--history"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := run(t, c.stdin, c.args...)
			if code != c.wantCode {
				t.Fatalf("exit %d, want %d; stderr: %s", code, c.wantCode, errOut)
			}
			if c.wantErr != "" {
				if !strings.Contains(errOut, c.wantErr) {
					t.Errorf("stderr %q, want it to mention %q", errOut, c.wantErr)
				}
				return
			}
			res := decode(t, out)
			if c.want != nil {
				if diff := cmp.Diff(c.want, rows(res)); diff != "" {
					t.Errorf("findings (-want +got):\n%s", diff)
				}
			}
			if res.Decision.Pass != (code == 0) {
				t.Errorf("decision.pass = %v with exit %d", res.Decision.Pass, code)
			}
		})
	}
}

// TestSecretsNeverLeak greps every output format this build has for the raw
// secrets, with and without --show-secrets.
func TestSecretsNeverLeak(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"a.env":  "AWS_ACCESS_KEY_ID=" + cliAWSKey + "\ndb_password = \"Zq7vN3pK9wLm2xT\"\n",
		"id_key": cliKey,
		"b.sh":   "export GITHUB_TOKEN=" + cliGHPAT + "\n",
	})
	raw := []string{cliAWSKey, cliGHPAT, "Zq7vN3pK9wLm2xT", "b3BlbnNzaC1rZXktdjEAAAAABG5v"}
	for _, format := range report.Formats() {
		for _, show := range []bool{false, true} {
			args := []string{"secrets", "-v", "-f", format, "--fail-on", "high", dir}
			if show {
				args = append(args, "--show-secrets")
			}
			code, out, errOut := run(t, "", args...)
			if code != 1 {
				t.Fatalf("%s: exit %d: %s", format, code, errOut)
			}
			// Summaries and reports of other types carry no match at all.
			carries := !strings.HasPrefix(format, "gitlab-") || format == "gitlab-secret-detection"
			carries = carries && format != "markdown"
			for _, r := range raw[:3] {
				if got := strings.Contains(out+errOut, r); got != (show && carries) {
					t.Errorf("-f %s show=%v: %.6s… in output = %v", format, show, r, got)
				}
			}
			if strings.Contains(out+errOut, raw[3]) && !show {
				t.Errorf("-f %s: private key body in output", format)
			}
		}
	}
}

func TestSecretsBaselineAndConfig(t *testing.T) {
	dir := writeTree(t, map[string]string{"a.env": "AWS_ACCESS_KEY_ID=" + cliAWSKey + "\n"})
	base := filepath.Join(t.TempDir(), "base.json")
	if code, _, errOut := run(t, "", "secrets", "-f", "json", "-o", base, dir); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// A new secret appears; only it is reported.
	if err := os.WriteFile(filepath.Join(dir, "b.sh"), []byte("T="+cliGHPAT+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, "", "secrets", "-f", "json", "--fail-on", "high", "--baseline", base, dir)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := []row{{"aws-access-key-id", "a.env", 1, "baseline"}, {"github-pat", "b.sh", 1, ""}}
	if diff := cmp.Diff(want, rows(decode(t, out))); diff != "" {
		t.Errorf("baseline (-want +got):\n%s", diff)
	}

	// .gitleaksignore at the root silences a fingerprint.
	if err := os.WriteFile(filepath.Join(dir, ".gitleaksignore"), []byte("b.sh:github-pat:1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = run(t, "", "secrets", "-f", "json", "--fail-on", "high", "--baseline", base, dir)
	if code != 0 {
		t.Errorf("with .gitleaksignore: exit %d, want 0\n%s", code, out)
	}

	// A gitleaks config replaces the built-in rules.
	cfg := filepath.Join(t.TempDir(), "gitleaks.toml")
	if err := os.WriteFile(cfg, []byte("[[rules]]\nid = \"aws-access-token\"\nregex = '''\\b(AKIA[A-Z2-7]{16})\\b'''\nkeywords = [\"akia\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// --gitleaks-config, and --config FILE.toml as gitleaks users write it.
	for _, flag := range []string{"--gitleaks-config", "--config"} {
		code, out, errOut = run(t, "", "secrets", "-f", "json", "--no-gitleaksignore", flag, cfg, dir)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", flag, code, errOut)
		}
		if diff := cmp.Diff([]row{{"aws-access-token", "a.env", 1, ""}}, rows(decode(t, out))); diff != "" {
			t.Errorf("gitleaks config with %s (-want +got):\n%s", flag, diff)
		}
	}
	// Other commands say what a TOML --config is.
	if code, _, errOut := run(t, "", "lint", "--config", cfg, dir); code != 2 || !strings.Contains(errOut, "only sluice secrets reads") {
		t.Errorf("lint --config x.toml: exit %d: %s", code, errOut)
	}
	code, _, errOut = run(t, "", "secrets", "-f", "json", "--config", filepath.Join(dir, "missing.toml"), dir)
	if code != 2 || !strings.Contains(errOut, "missing.toml") {
		t.Errorf("missing config: exit %d, stderr %q", code, errOut)
	}
}

func TestSecretsHistoryAndStaged(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := writeTree(t, map[string]string{"README.md": "hi\n"})
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=Bob", "GIT_AUTHOR_EMAIL=bob@example.com", "GIT_COMMITTER_NAME=Bob", "GIT_COMMITTER_EMAIL=bob@example.com")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q", "-b", "main")
	os.WriteFile(filepath.Join(dir, "k.env"), []byte("K="+cliAWSKey+"\n"), 0o644)
	git("add", "-A")
	git("commit", "-q", "-m", "leak")
	git("rm", "-q", "k.env")
	git("commit", "-q", "-m", "unleak")

	code, out, errOut := run(t, "", "secrets", "-f", "json", "--fail-on", "high", "--history", dir)
	if code != 1 {
		t.Fatalf("history: exit %d: %s", code, errOut)
	}
	res := decode(t, out)
	if len(res.Findings) != 1 || res.Findings[0].Location.Commit == "" || res.Findings[0].Location.Author != "Bob <bob@example.com>" ||
		!strings.Contains(res.Findings[0].Fingerprint, ":k.env:aws-access-key-id:1") {
		t.Errorf("history findings: %+v", res.Findings)
	}
	// The work tree has no secret left.
	if code, _, errOut := run(t, "", "secrets", "-f", "json", "--fail-on", "high", dir); code != 0 {
		t.Errorf("tree: exit %d: %s", code, errOut)
	}
	// Staged: only what is staged.
	os.WriteFile(filepath.Join(dir, "s.env"), []byte("T="+cliGHPAT+"\n"), 0o644)
	if code, _, _ := run(t, "", "secrets", "-f", "json", "--fail-on", "high", "--staged", dir); code != 0 {
		t.Errorf("staged before add: exit %d, want 0", code)
	}
	git("add", "s.env")
	code, out, errOut = run(t, "", "secrets", "-f", "json", "--fail-on", "high", "--staged", dir)
	if code != 1 {
		t.Fatalf("staged: exit %d: %s", code, errOut)
	}
	if diff := cmp.Diff([]row{{"github-pat", "s.env", 1, ""}}, rows(decode(t, out))); diff != "" {
		t.Errorf("staged (-want +got):\n%s", diff)
	}
}
