package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/finding"
)

// TestRuleSettings: severity_overrides and ignore of .sluice.yaml reach the
// findings of any engine, before --fail-on decides; the ledger still applies.
func TestRuleSettings(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("Dockerfile", "FROM debian:12@sha256:"+strings.Repeat("0", 64)+"\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\nRUN echo hi\nRUN echo ho\nUSER 10001\nHEALTHCHECK NONE\n")
	lint := func() (int, map[string]finding.Finding) {
		t.Helper()
		code, stdout, stderr := runCLI(t, "lint", "Dockerfile", "-f", "json", "--fail-on", "medium")
		var res finding.Result
		if err := json.Unmarshal([]byte(stdout), &res); err != nil {
			t.Fatalf("exit %d: %v\n%s", code, err, stderr)
		}
		by := map[string]finding.Finding{}
		for _, f := range res.Findings {
			by[f.Rule] = f
		}
		return code, by
	}
	code, by := lint()
	if code != 1 || by["DL3008"].Severity != finding.SeverityMedium || by["DL3059"].Suppressed != nil {
		t.Fatalf("without settings: exit %d, DL3008 %s, DL3059 suppressed %v", code, by["DL3008"].Severity, by["DL3059"].Suppressed)
	}
	write(".sluice.yaml", "severity_overrides: {dl3008: low}\nignore:\n  - id: DL3059\n    reason: layer caching\n")
	code, by = lint()
	if code != 0 {
		t.Errorf("exit %d, want 0: DL3008 is low now, under --fail-on medium", code)
	}
	if f := by["DL3008"]; f.Severity != finding.SeverityLow || f.SeveritySource != "config" {
		t.Errorf("DL3008: %s from %q, want low from config", f.Severity, f.SeveritySource)
	}
	if s := by["DL3059"].Suppressed; s == nil || s.Kind != "config" || s.Reason != "layer caching" || s.Source != ".sluice.yaml" {
		t.Errorf("DL3059 suppression %+v", s)
	}
}
