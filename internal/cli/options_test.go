package cli

import (
	"os"
	"strings"
	"testing"
)

// TestConfigDocsCoverOptions keeps docs/config.md's option table in step with
// the option table in options.go.
func TestConfigDocsCoverOptions(t *testing.T) {
	doc, err := os.ReadFile("../../docs/config.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range options {
		row := "| `--" + o.flag + "` |"
		if !strings.Contains(string(doc), row) {
			t.Errorf("docs/config.md lacks the row for --%s", o.flag)
		}
		if o.key != "" && !strings.Contains(string(doc), "| `"+o.key+"` |") {
			t.Errorf("docs/config.md lacks the key %s", o.key)
		}
		if !strings.Contains(string(doc), envName(o.flag)) {
			t.Errorf("docs/config.md lacks %s", envName(o.flag))
		}
	}
}

// TestListOptions: a list key of .sluice.yaml fills a repeatable flag, its
// environment variable holds a comma-separated list, and the flag wins.
func TestListOptions(t *testing.T) {
	pod := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: [{name: c, image: docker.io/library/nginx:1}]\n"
	for _, tc := range []struct {
		name, config string
		env          string
		args         []string
		want         string
	}{
		{name: "config", config: "allowed_registries: [ghcr.io/acme, registry.example]\n", want: "(ghcr.io/acme, registry.example)"},
		{name: "environment over config", config: "allowed_registries: [ghcr.io/acme]\n", env: " quay.io/acme ,registry.example,", want: "(quay.io/acme, registry.example)"},
		{name: "flag over environment", env: "quay.io/acme", args: []string{"--allowed-registry", "gcr.io/x"}, want: "(gcr.io/x)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			if err := os.WriteFile("pod.yaml", []byte(pod), 0o644); err != nil {
				t.Fatal(err)
			}
			if tc.config != "" {
				if err := os.WriteFile(".sluice.yaml", []byte(tc.config), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if tc.env != "" {
				t.Setenv("SLUICE_ALLOWED_REGISTRY", tc.env)
			}
			code, out, errs := runCLI(t, append([]string{"config", "-f", "json", "pod.yaml"}, tc.args...)...)
			if code != 0 || !strings.Contains(out, "not from an allowed registry "+tc.want) {
				t.Errorf("exit %d, want the registry check with %s:\n%s%s", code, tc.want, out, errs)
			}
		})
	}
}
