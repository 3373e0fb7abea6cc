package scan

import (
	"context"
	"errors"
	"fmt"
	"github.com/sluice-dev/sluice/internal/testutil"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
	"github.com/sluice-dev/sluice/manifest/compose"
	"github.com/sluice-dev/sluice/manifest/ecs"
	"github.com/sluice-dev/sluice/manifest/internal/wanttest"
	"github.com/sluice-dev/sluice/manifest/k8s"
)

func ruleIDs(rs []finding.Rule) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	sort.Strings(out)
	return out
}

func TestRunMixed(t *testing.T) {
	paths := []string{
		filepath.Join("..", "k8s", "testdata", "rules", "K8S012", "catch.yaml"),
		filepath.Join("..", "ecs", "testdata", "taskdef.json"),
		filepath.Join("..", "compose", "testdata"),
	}
	res, err := Run(context.Background(), paths, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rules := map[string]bool{}
	for _, r := range res.Rules {
		rules[r.ID] = true
	}
	for _, id := range []string{"pss:privileged", "K8S012", "ECS005", "DC002"} {
		if !rules[id] {
			t.Errorf("rule %s not listed as run", id)
		}
	}
	if rules["K8S002"] || rules["ECS008"] || rules["DC008"] || rules["pss:runAsNonRoot"] {
		t.Error("strict or restricted rules ran without being asked for")
	}
	got := map[string]int{}
	for _, f := range res.Findings {
		got[f.Rule]++
		if f.Location.Line == 0 || f.Kind != finding.KindConfig {
			t.Errorf("%s at %s:%d: every finding is a config finding with a line", f.Rule, f.Location.Path, f.Location.Line)
		}
	}
	for _, id := range []string{"K8S012", "pss:hostPathVolumes", "ECS005", "DC002", "DC010"} {
		if got[id] == 0 {
			t.Errorf("no %s finding", id)
		}
	}
}

func TestRunStdin(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "k8s", "testdata", "workloads.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), []string{Stdin}, Options{Stdin: strings.NewReader(string(data)), PSS: k8s.PSSNone})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) == 0 || res.Findings[0].Location.Path != "stdin" {
		t.Errorf("want findings located in stdin, got %v", res.Findings)
	}
}

func TestRunErrors(t *testing.T) {
	_, err := Run(context.Background(), []string{filepath.Join("testdata", "does-not-exist.yaml")}, Options{})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing path: err = %v, want ErrNotExist", err)
	}
	if _, err := Run(context.Background(), nil, Options{}); !errors.Is(err, ErrNoInput) {
		t.Errorf("no path: err = %v", err)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("apiVersion: v1\nkind: Pod\nspec: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "values.yaml")
	if err := os.WriteFile(other, []byte("replicas: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), []string{dir, other}, Options{})
	if err != nil {
		t.Fatalf("a bad file must be a note, not an error: %v", err)
	}
	var notes []string
	for _, n := range res.Notes {
		notes = append(notes, string(n.Level)+": "+strings.ReplaceAll(n.Message, filepath.ToSlash(dir)+"/", ""))
	}
	want := []string{
		"error: bad.yaml: document 1: yaml: line 3: did not find expected node content: not checked",
		"warning: values.yaml: not a Kubernetes, ECS or Compose file: not checked",
		"info: 1 YAML/JSON file(s) in the directories given are not Kubernetes, ECS or Compose files: skipped",
	}
	if diff := cmp.Diff(want, notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}

// TestCorpus runs every check over the real manifests of the shared corpus:
// no error, every finding has a line, and the counts by rule are logged (the
// summary in the issue note comes from here and bench/config).
func TestCorpus(t *testing.T) {
	for _, sub := range []string{"k8s", "compose"} {
		dir, ok := wanttest.Shared(2, "corpus", sub)
		if !ok {
			t.Skipf("shared corpus (../shared/corpus/%s) absent", sub)
		}
		t.Run(sub, func(t *testing.T) {
			res, err := Run(context.Background(), []string{dir}, Options{Strict: true})
			if err != nil {
				t.Fatal(err)
			}
			counts := map[string]int{}
			for _, f := range res.Findings {
				counts[f.Rule]++
				if f.Location.Line == 0 {
					t.Errorf("%s: %s without a line", f.Location.Path, f.Rule)
				}
			}
			var lines []string
			for id, n := range counts {
				lines = append(lines, fmt.Sprintf("%s=%d", id, n))
			}
			sort.Strings(lines)
			t.Logf("%d findings, %d notes: %s", len(res.Findings), len(res.Notes), strings.Join(lines, " "))
			if len(res.Findings) == 0 {
				t.Error("no findings on the corpus")
			}
		})
	}
}

func BenchmarkCorpusK8s(b *testing.B) {
	dir, ok := wanttest.Shared(2, "corpus", "k8s")
	if !ok {
		b.Skip("shared corpus absent")
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Run(context.Background(), []string{dir}, Options{PSS: k8s.PSSRestricted, Strict: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// allRules returns every configuration rule, PSS checks of both levels
// included, by platform directory under docs/rules.
func allRules(t *testing.T) map[string][]manifest.Rule {
	out := map[string][]manifest.Rule{}
	for _, r := range k8s.Rules() {
		out["k8s"] = append(out["k8s"], r.Rule)
	}
	seen := map[string]bool{}
	for _, level := range []string{k8s.PSSBaseline, k8s.PSSRestricted} {
		rs, err := k8s.PSSRules(level)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if !seen[r.ID] {
				seen[r.ID] = true
				out["pss"] = append(out["pss"], r)
			}
		}
	}
	sort.Slice(out["pss"], func(i, j int) bool { return out["pss"][i].ID < out["pss"][j].ID })
	for _, r := range ecs.Rules() {
		out["ecs"] = append(out["ecs"], r.Rule)
	}
	for _, r := range compose.Rules() {
		out["compose"] = append(out["compose"], r.Rule)
	}
	return out
}

func docName(id string) string { return strings.TrimPrefix(id, "pss:") + ".md" }

const (
	tableBegin = "<!-- rules:begin (generated by go test ./manifest/scan -update) -->"
	tableEnd   = "<!-- rules:end -->"
)

// TestRuleDocs fails when docs/rules/{k8s,pss,ecs,compose}/*.md or the rule
// table of docs/config-checks.md differ from the rule values; -update
// rewrites them.
func TestRuleDocs(t *testing.T) {
	root := filepath.Join("..", "..", "docs")
	rules := allRules(t)
	var table strings.Builder
	table.WriteString(tableBegin + "\n")
	for _, platform := range []string{"pss", "k8s", "ecs", "compose"} {
		dir := filepath.Join(root, "rules", platform)
		fmt.Fprintf(&table, "\n| %s rule | severity | title |\n|---|---|---|\n", map[string]string{"pss": "Pod Security Standards", "k8s": "Kubernetes", "ecs": "ECS", "compose": "Compose"}[platform])
		want := map[string]bool{}
		for _, r := range rules[platform] {
			name := docName(r.ID)
			want[name] = true
			strict := ""
			if r.Strict {
				strict = " (strict)"
			}
			fmt.Fprintf(&table, "| [%s](rules/%s/%s) | %s | %s%s |\n", r.ID, platform, name, r.Severity, r.Title, strict)
			checkFile(t, filepath.Join(dir, name), r.Markdown())
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if !want[e.Name()] {
				if testutil.Update() {
					os.Remove(filepath.Join(dir, e.Name()))
				} else {
					t.Errorf("%s: no rule has this page (go test ./manifest/scan -update removes it)", filepath.Join(dir, e.Name()))
				}
			}
		}
	}
	table.WriteString("\n" + tableEnd)
	path := filepath.Join(root, "config-checks.md")
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	i, j := strings.Index(s, tableBegin), strings.Index(s, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("%s: markers %q ... %q missing", path, tableBegin, tableEnd)
	}
	checkFile(t, path, s[:i]+table.String()+s[j+len(tableEnd):])
}

func checkFile(t *testing.T, path, want string) {
	t.Helper()
	got, _ := os.ReadFile(path)
	if string(got) == want {
		return
	}
	if testutil.Update() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s is out of date with the rule values: run go test ./manifest/scan -update", path)
}
