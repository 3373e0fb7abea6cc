package rules_test

import (
	"context"
	"github.com/sluice-dev/sluice/internal/testutil"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/secrets"
	"github.com/sluice-dev/sluice/secrets/rules"
)

// TestRuleExamples runs every rule's true positives (each must be found, with
// the secret redacted) and false positives (none may be found), each rule on
// its own and then with all rules together.
func TestRuleExamples(t *testing.T) {
	all, err := secrets.New(secrets.Config{Rules: rules.All()}, secrets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules.All() {
		t.Run(r.ID, func(t *testing.T) {
			one, err := secrets.New(secrets.Config{Rules: []secrets.Rule{r}}, secrets.Options{})
			if err != nil {
				t.Fatal(err)
			}
			path := r.ExamplePath
			if path == "" {
				path = "example.txt"
			}
			for i, tp := range r.TruePositives {
				fs := one.ScanBytes(path, []byte(tp))
				if len(fs) == 0 {
					t.Errorf("true positive %d not found: %q", i, tp)
					continue
				}
				for _, f := range fs {
					if f.Rule != r.ID {
						t.Errorf("true positive %d: rule %s, want %s", i, f.Rule, r.ID)
					}
				}
				found := false
				for _, f := range all.ScanBytes(path, []byte(tp)) {
					found = found || f.Rule == r.ID
				}
				if !found {
					t.Errorf("true positive %d not found by the full rule set (a generic rule took precedence?)", i)
				}
			}
			for i, fp := range r.FalsePositives {
				if fs := one.ScanBytes(path, []byte(fp)); len(fs) > 0 {
					t.Errorf("false positive %d found: %q -> %s", i, fp, fs[0].Message)
				}
			}
		})
	}
}

var idPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// TestRuleMetadata checks what every rule must carry.
func TestRuleMetadata(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range rules.All() {
		if seen[r.ID] {
			t.Errorf("duplicate rule ID %s", r.ID)
		}
		seen[r.ID] = true
		if !idPattern.MatchString(r.ID) {
			t.Errorf("%s: ID must be lower-case words joined by dashes", r.ID)
		}
		if r.Description == "" || r.Severity == 0 || r.Version == 0 {
			t.Errorf("%s: needs a description, a severity and a version", r.ID)
		}
		if len(r.TruePositives) == 0 || len(r.FalsePositives) == 0 {
			t.Errorf("%s: needs at least one true and one false positive example", r.ID)
		}
		if len(r.Keywords) == 0 {
			t.Errorf("%s: has no keywords, so it would run on every file", r.ID)
		}
		for _, k := range r.Keywords {
			if k != strings.ToLower(k) {
				t.Errorf("%s: keyword %q must be lower case", r.ID, k)
			}
		}
	}
}

// TestRulesDoc keeps docs/rules/secrets.md in step with the rules
// (go test ./secrets/rules -update rewrites it).
func TestRulesDoc(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "rules", "secrets.md")
	got := rules.Markdown(rules.All())
	if testutil.Update() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./secrets/rules -update)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("docs/rules/secrets.md is stale; run go test ./secrets/rules -update (-want +got):\n%s", diff)
	}
}

func BenchmarkAllRules(b *testing.B) {
	s, err := secrets.New(secrets.Config{Rules: rules.All()}, secrets.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var corpus strings.Builder
	for _, r := range rules.All() {
		for _, tp := range r.FalsePositives {
			corpus.WriteString(tp + "\n")
		}
	}
	data := []byte(strings.Repeat(corpus.String(), 50))
	b.SetBytes(int64(len(data)))
	_ = context.Background()
	for b.Loop() {
		s.ScanBytes("bench.txt", data)
	}
}

func TestAllowlists(t *testing.T) {
	s, err := secrets.New(secrets.Config{Rules: rules.All(), Allowlists: rules.Allowlists()}, secrets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte("API_KEY=kTY88mHwg2KDInTEGbOY1xHv\n")
	for _, c := range []struct {
		path  string
		found bool
	}{{"go.sum", false}, {"web/package-lock.json", false}, {"Cargo.lock", false}, {"app/.env", true}, {"go.summary", true}} {
		if got := len(s.ScanBytes(c.path, secret)) > 0; got != c.found {
			t.Errorf("%s: found = %v, want %v", c.path, got, c.found)
		}
	}
}
