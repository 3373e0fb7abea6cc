package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/finding"
)

func runConfig(t *testing.T, stdin string, args ...string) (int, finding.Result, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), append([]string{"config"}, args...), Stdio{In: strings.NewReader(stdin), Out: &out, Err: &errb})
	var res finding.Result
	if out.Len() > 0 {
		if err := json.Unmarshal(out.Bytes(), &res); err != nil {
			t.Fatalf("output is not a JSON report: %v\n%s", err, out.String())
		}
	}
	return code, res, errb.String()
}

func TestConfigCommand(t *testing.T) {
	k8sCatch := filepath.Join("..", "..", "manifest", "k8s", "testdata", "rules", "K8S012", "catch.yaml")
	taskdef := filepath.Join("..", "..", "manifest", "ecs", "testdata", "register.json")
	for _, tc := range []struct {
		name      string
		args      []string
		stdin     string
		wantCode  int
		wantRules []string // must be among the rules that ran
		noRules   []string // must not have run
		wantErr   string
	}{
		{name: "report without threshold passes", args: []string{"-f", "json", k8sCatch}, wantCode: 0,
			wantRules: []string{"pss:privileged", "K8S012"}, noRules: []string{"pss:runAsNonRoot", "K8S002", "K8S003"}},
		{name: "fail-on critical", args: []string{"-f", "json", "--fail-on", "critical", k8sCatch}, wantCode: 1},
		{name: "restricted and strict", args: []string{"-f", "json", "--pss", "restricted", "--strict", "--allowed-registry", "registry.example", k8sCatch},
			wantCode: 0, wantRules: []string{"pss:runAsNonRoot", "pss:restrictedVolumes", "K8S002", "K8S003"}, noRules: []string{"pss:hostPathVolumes"}},
		{name: "pss none", args: []string{"-f", "json", "--pss", "none", k8sCatch}, wantCode: 0, wantRules: []string{"K8S001"}, noRules: []string{"pss:privileged"}},
		{name: "ecs", args: []string{"-f", "json", "--fail-on", "high", taskdef}, wantCode: 1, wantRules: []string{"ECS001"}, noRules: []string{"K8S001", "DC001"}},
		{name: "stdin", args: []string{"-f", "json", "--fail-on", "high", "-"}, stdin: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostPID: true\n  containers: [{name: c, image: x:1}]\n",
			wantCode: 1, wantRules: []string{"pss:hostNamespaces"}},
		{name: "bad pss level", args: []string{"-f", "json", "--pss", "strictest", k8sCatch}, wantCode: 2, wantErr: "--pss"},
		{name: "missing path", args: []string{"-f", "json", "no/such/file.yaml"}, wantCode: 2, wantErr: "no/such/file.yaml"},
		{name: "bad format", args: []string{"-f", "xml", k8sCatch}, wantCode: 2, wantErr: "--format"},
		{name: "stdin twice", args: []string{"-f", "json", "-", "-"}, wantCode: 2, wantErr: "more than once"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, res, stderr := runConfig(t, tc.stdin, tc.args...)
			if code != tc.wantCode {
				t.Fatalf("exit code = %d, want %d; stderr: %s", code, tc.wantCode, stderr)
			}
			if tc.wantErr != "" && !strings.Contains(stderr, tc.wantErr) {
				t.Errorf("stderr %q does not mention %q", stderr, tc.wantErr)
			}
			ran := map[string]bool{}
			for _, r := range res.Rules {
				ran[r.ID] = true
			}
			for _, id := range tc.wantRules {
				if !ran[id] {
					t.Errorf("rule %s did not run", id)
				}
			}
			for _, id := range tc.noRules {
				if ran[id] {
					t.Errorf("rule %s ran", id)
				}
			}
			if code == 1 && res.Decision.Pass {
				t.Error("exit 1 but decision.pass is true")
			}
		})
	}
}

// TestConfigFindingLines checks the JSON report end to end: the findings of
// a fixture, with the file and line of each.
func TestConfigFindingLines(t *testing.T) {
	path := filepath.Join("..", "..", "manifest", "k8s", "testdata", "rules", "K8S012", "catch.yaml")
	code, res, stderr := runConfig(t, "", "-f", "json", "--pss", "none", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got []string
	for _, f := range res.Findings {
		if f.Rule == "K8S012" {
			got = append(got, f.Location.Path+":"+itoa(f.Location.Line))
		}
	}
	p := filepath.ToSlash(path)
	if diff := cmp.Diff([]string{p + ":14", p + ":17"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if res.Target.Kind != "manifest" || res.Schema != finding.SchemaV1 {
		t.Errorf("target %+v schema %q", res.Target, res.Schema)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestConfigHelp(t *testing.T) {
	var out bytes.Buffer
	if code := Main(context.Background(), []string{"config", "--help"}, Stdio{In: os.Stdin, Out: &out, Err: &out}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, s := range []string{"--pss", "--allowed-registry", "--strict", "helm template", "Exit codes"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("help lacks %q", s)
		}
	}
}
