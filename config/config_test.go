package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParse(t *testing.T) {
	in := `version: 1
fail_on: high
db: /var/cache/sluice/db/sluice.db
exceptions: security/accepted.yaml
allowed_registries: [registry.example.com, ghcr.io/acme]
required_labels:
  - org.opencontainers.image.source
`
	got, err := Parse(".sluice.yaml", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := &File{
		Version: 1, FailOn: "high", DB: "/var/cache/sluice/db/sluice.db", Exceptions: "security/accepted.yaml",
		AllowedRegistries: []string{"registry.example.com", "ghcr.io/acme"},
		RequiredLabels:    []string{"org.opencontainers.image.source"},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(File{}, "Path")); diff != "" {
		t.Errorf("Parse (-want +got):\n%s", diff)
	}
}

func TestParsePipeline(t *testing.T) {
	in := `targets:
  dockerfiles: [Dockerfile]
  source: .
  manifests: [deploy]
  image: oci-dir:build/image
stages:
  history: true
  config: false
build:
  run: [docker, build, -t, app, .]
  image: docker-archive:app.tar
policy:
  fail_on: high
  thresholds: {vuln: critical, secret: low}
  only_fixed: true
  grace_days: 3
  rules:
    - {name: fresh, expr: "now - image.created > duration('2160h')", message: rebuild}
reports:
  sarif: sluice.sarif
`
	got, err := Parse(".sluice.yaml", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	yes, no := true, false
	want := &File{
		Targets: Targets{Dockerfiles: []string{"Dockerfile"}, Source: ".", Manifests: []string{"deploy"}, Image: "oci-dir:build/image"},
		Stages:  Stages{History: &yes, Config: &no},
		Build:   &Command{Run: []string{"docker", "build", "-t", "app", "."}, Image: "docker-archive:app.tar"},
		Policy: Policy{FailOn: "high", Thresholds: map[string]string{"vuln": "critical", "secret": "low"}, OnlyFixed: true, GraceDays: 3,
			Rules: []PolicyRule{{Name: "fresh", Expr: "now - image.created > duration('2160h')", Message: "rebuild"}}},
		Reports: map[string]string{"sarif": "sluice.sarif"},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(File{}, "Path")); diff != "" {
		t.Errorf("Parse (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"unknown key names its line", "version: 1\nfail_onn: high\n", `cfg.yaml:2: unknown key "fail_onn"`},
		{"bad severity", "fail_on: severe\n", "fail_on: unknown severity"},
		{"future version", "version: 9\n", "upgrade sluice"},
		{"wrong type", "allowed_registries: 3\n", "cfg.yaml:1: cannot unmarshal"},
		{"bad override", "severity_overrides: {DL3008: lowish}\n", "severity_overrides.DL3008"},
		{"ignore without reason", "ignore: [{id: DL3059}]\n", "ignore[0]: id and reason are required"},
		{"unknown stage", "stages:\n  lnt: false\n", `cfg.yaml:2: unknown key "lnt"`},
		{"threshold kind", "policy:\n  thresholds: {vulns: high}\n", `unknown kind "vulns"`},
		{"threshold severity", "policy:\n  thresholds: {vuln: bad}\n", "policy.thresholds.vuln"},
		{"policy fail_on", "policy:\n  fail_on: hgh\n", "policy.fail_on"},
		{"report format", "reports:\n  sarif2: x.sarif\n", `unknown format "sarif2"`},
		{"build without run", "build:\n  image: app.tar\n", "build.run"},
		{"sign without key", "sign:\n  annotations: {a: b}\n", "sign.key"},
		{"promote without keys", "promote:\n  to: r/app:1\n", "promote: to and keys"},
		{"rule without expr", "policy:\n  rules: [{name: x}]\n", "policy.rules[0]"},
		{"trust rule without keys", "trust:\n  rules: [{images: ['**']}]\n", "trust.rules[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("cfg.yaml", strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "cfg.yaml") {
				t.Fatalf("err = %v, want cfg.yaml: ... %q", err, tt.want)
			}
		})
	}
}

func TestLoadOptional(t *testing.T) {
	if _, err := Load(t.TempDir()+"/.sluice.yaml", true); err != nil {
		t.Fatalf("optional missing config: %v", err)
	}
	if _, err := Load(t.TempDir()+"/.sluice.yaml", false); err == nil {
		t.Fatal("a config named with --config must exist")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("version: 1\nfail_on: high\n"))
	f.Add([]byte("allowed_registries: [a, b]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		Parse("fuzz", strings.NewReader(string(data)))
	})
}
