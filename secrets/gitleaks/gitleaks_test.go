package gitleaks_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/secrets"
	"github.com/sluice-dev/sluice/secrets/gitleaks"
	"github.com/sluice-dev/sluice/secrets/rules"
)

// defaultConfig is gitleaks' own default configuration, read from the shared
// fixtures beside the checkout (never copied into the repository).
func defaultConfig(t testing.TB) string {
	path, ok := sharedFixture()
	if !ok {
		t.Skipf("gitleaks default config not available at %s (../shared/fixtures beside the checkout)", path)
	}
	return path
}

// sharedFixture finds ../shared beside the repository root (CI), or two
// levels up for a git worktree kept under a directory of worktrees.
func sharedFixture() (string, bool) {
	root := filepath.Join("..", "..")
	first := filepath.Join(root, "..", "shared", "fixtures", "gitleaks", "gitleaks.toml")
	for _, p := range []string{first, filepath.Join(root, "..", "..", "shared", "fixtures", "gitleaks", "gitleaks.toml")} {
		if _, err := os.Stat(p); err == nil {
			return p, true
		}
	}
	return first, false
}

// TestLoadDefaultConfig loads the real gitleaks default config, compiles it
// and checks each rule's tuning survives: every rule compiles in RE2 or is
// reported with the reason, and the rules find what gitleaks finds.
func TestLoadDefaultConfig(t *testing.T) {
	path := defaultConfig(t)
	res, err := gitleaks.Load(path, gitleaks.Options{})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	declared := strings.Count(string(data), "\n[[rules]]")
	t.Logf("gitleaks default config: %d rules declared, %d loaded, %d skipped, %d global allowlists",
		declared, len(res.Config.Rules), len(res.Skipped), len(res.Config.Allowlists))
	for _, s := range res.Skipped {
		t.Logf("skipped %s: %s", s.ID, s.Reason)
	}
	if got := len(res.Config.Rules) + len(res.Skipped); got != declared {
		t.Errorf("loaded+skipped = %d, want every one of the %d declared rules accounted for", got, declared)
	}
	if len(res.Config.Rules) < declared*9/10 {
		t.Errorf("only %d of %d rules loaded", len(res.Config.Rules), declared)
	}
	if len(res.Warnings) > 0 {
		t.Errorf("warnings on gitleaks' own config: %v", res.Warnings)
	}
	s, err := secrets.New(res.Config, secrets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, path, text string
		want             []string
	}{
		{"aws", "app/config.py", "key = 'AKIAUJZDEGXDNCF32EPF'\n", []string{"aws-access-token"}},
		{"aws example allowlisted", "app/config.py", "key = 'AKIAIOSFODNN7EXAMPLE'\n", nil},
		{"github pat", "ci.sh", "export GITHUB_TOKEN=ghp_5DQL05HA064GiIjHGb3CXlMaXZjljENUhJdu\n", []string{"github-pat"}},
		{"private key", "id_rsa", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\naEGGbp9V4KH1VjQ0k2R4ZcWf3Ck5S9T8pqJ6H9yHq8nN7sTq3d2L1Fz3Xc0vB2Qk\n-----END RSA PRIVATE KEY-----\n", []string{"private-key"}},
		{"global path allowlist", "vendor/modules.txt", "key = 'AKIAUJZDEGXDNCF32EPF'\n", nil},
		{"global stopword regex", "a.env", "password = \"${DB_PASSWORD}\"\n", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, f := range s.ScanBytes(c.path, []byte(c.text)) {
				got = append(got, f.Rule)
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("rules found (-want +got):\n%s", diff)
			}
		})
	}
}

func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestExtend covers [extend] useDefault (sluice's built-ins), path and
// disabledRules, and rule overrides.
func TestExtend(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "base.toml", `
[[rules]]
id = "internal-token"
regex = '''\bitk_[a-z0-9]{16}\b'''
keywords = ["itk_"]

[[rules]]
id = "noisy"
regex = '''noisy[0-9]+'''
keywords = ["noisy"]
`)
	cases := []struct {
		name, config string
		wantIDs      []string
		wantErr      string
	}{
		{"path", "[extend]\npath = \"base.toml\"\n", []string{"internal-token", "noisy"}, ""},
		{"disabled", "[extend]\npath = \"base.toml\"\ndisabledRules = [\"noisy\"]\n", []string{"internal-token"}, ""},
		{"override", "[extend]\npath = \"base.toml\"\n[[rules]]\nid = \"noisy\"\nentropy = 2.0\nkeywords = [\"loud\"]\n", []string{"internal-token", "noisy"}, ""},
		{"both", "[extend]\npath = \"base.toml\"\nuseDefault = true\n", nil, "both useDefault and path"},
		{"missing path", "[extend]\npath = \"nope.toml\"\n", nil, "nope.toml"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := write(t, dir, c.name+".toml", c.config)
			res, err := gitleaks.Load(p, gitleaks.Options{})
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, r := range res.Config.Rules {
				ids = append(ids, r.ID)
				if c.name == "override" && r.ID == "noisy" {
					if diff := cmp.Diff([]string{"noisy", "loud"}, r.Keywords); diff != "" || r.Entropy != 2 {
						t.Errorf("override: keywords (-want +got) %s, entropy %v", diff, r.Entropy)
					}
				}
			}
			if diff := cmp.Diff(c.wantIDs, ids); diff != "" {
				t.Errorf("rule IDs (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("useDefault", func(t *testing.T) {
		p := write(t, dir, "usedefault.toml", "[extend]\nuseDefault = true\ndisabledRules = [\"jwt\"]\n[[rules]]\nid = \"internal-token\"\nregex = '''\\bitk_[a-z0-9]{16}\\b'''\nkeywords = [\"itk_\"]\n")
		res, err := gitleaks.Load(p, gitleaks.Options{Base: rules.All()})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(res.Config.Rules), len(rules.All()); got != want {
			t.Errorf("%d rules, want %d (built-ins - jwt + internal-token)", got, want)
		}
		s, err := secrets.New(res.Config, secrets.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range s.ScanBytes("x", []byte("a = itk_0123456789abcdef\nb = AKIAUJZDEGXDNCF32EPF\n")) {
			got = append(got, f.Rule)
		}
		if diff := cmp.Diff([]string{"aws-access-key-id", "internal-token"}, got); diff != "" {
			t.Errorf("findings (-want +got):\n%s", diff)
		}
	})
}

// TestAllowlists checks the allowlist semantics of gitleaks v8: regexTarget,
// condition AND/OR, stopwords, paths, commits, targetRules.
func TestAllowlists(t *testing.T) {
	const rule = `
[[rules]]
id = "tok"
regex = '''tok_([a-z0-9]{12})'''
keywords = ["tok_"]
`
	cases := []struct {
		name, allow, path, text string
		found                   bool
	}{
		{"none", "", "a.txt", "x = tok_a1b2c3d4e5f6 # prod", true},
		{"secret regex", "[[rules.allowlists]]\nregexes = ['''^a1b2''']", "a.txt", "x = tok_a1b2c3d4e5f6", false},
		{"match regex does not see secret target", "[[rules.allowlists]]\nregexes = ['''^tok_''']", "a.txt", "x = tok_a1b2c3d4e5f6", true},
		{"match target", "[[rules.allowlists]]\nregexTarget = \"match\"\nregexes = ['''^tok_''']", "a.txt", "x = tok_a1b2c3d4e5f6", false},
		{"line target", "[[rules.allowlists]]\nregexTarget = \"line\"\nregexes = ['''# test''']", "a.txt", "x = tok_a1b2c3d4e5f6 # test", false},
		{"stopword", "[[rules.allowlists]]\nstopwords = [\"C3D4\"]", "a.txt", "x = tok_a1b2c3d4e5f6", false},
		{"path", "[[rules.allowlists]]\npaths = ['''^testdata/''']", "testdata/a.txt", "x = tok_a1b2c3d4e5f6", false},
		{"and: path and stopword both", "[[rules.allowlists]]\ncondition = \"AND\"\npaths = ['''^testdata/''']\nstopwords = [\"c3d4\"]", "testdata/a.txt", "x = tok_a1b2c3d4e5f6", false},
		{"and: path only", "[[rules.allowlists]]\ncondition = \"AND\"\npaths = ['''^testdata/''']\nstopwords = [\"zzzz\"]", "testdata/a.txt", "x = tok_a1b2c3d4e5f6", true},
		{"global targetRules", "[[allowlists]]\ntargetRules = [\"tok\"]\nstopwords = [\"c3d4\"]", "a.txt", "x = tok_a1b2c3d4e5f6", false},
		{"global deprecated", "[allowlist]\npaths = ['''\\.txt$''']", "a.txt", "x = tok_a1b2c3d4e5f6", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := gitleaks.Parse([]byte(rule+c.allow), "test.toml", gitleaks.Options{})
			if err != nil {
				t.Fatal(err)
			}
			s, err := secrets.New(res.Config, secrets.Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := len(s.ScanBytes(c.path, []byte(c.text))) > 0
			if got != c.found {
				t.Errorf("found = %v, want %v", got, c.found)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ name, config, want string }{
		{"bad toml", "[[rules]\n", "test.toml"},
		{"bad condition", "[[rules]]\nid='a'\nregex='a'\n[[allowlists]]\ncondition='XOR'\nregexes=['a']\n", "condition"},
		{"empty allowlist", "[[allowlists]]\ndescription='x'\n", "at least one"},
		{"missing target", "[[rules]]\nid='a'\nregex='a'\n[[allowlists]]\ntargetRules=['b']\nregexes=['a']\n", `"b"`},
		{"duplicate rule", "[[rules]]\nid='a'\nregex='a'\n[[rules]]\nid='a'\nregex='b'\n", "twice"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := gitleaks.Parse([]byte(c.config), "test.toml", gitleaks.Options{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

func TestSkippedRules(t *testing.T) {
	res, err := gitleaks.Parse([]byte(`
[[rules]]
id = "lookahead"
regex = '''foo(?=bar)'''
[[rules]]
id = "ok"
regex = '''foo'''
[[rules]]
id = "group"
regex = '''(a)'''
secretGroup = 3
`), "t.toml", gitleaks.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var skipped []string
	for _, s := range res.Skipped {
		skipped = append(skipped, s.ID)
	}
	if diff := cmp.Diff([]string{"lookahead", "group"}, skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	if len(res.Config.Rules) != 1 {
		t.Errorf("%d rules loaded, want 1", len(res.Config.Rules))
	}
	if notes := res.Notes("t.toml"); len(notes) != 2 || notes[0].Level != finding.NoteWarning {
		t.Errorf("notes: %+v", notes)
	}
}

func TestParseIgnore(t *testing.T) {
	got, err := gitleaks.ParseIgnore(strings.NewReader("# comment\n\ncfg\\app.env:aws-access-token:3\nabc123:src/a.go:github-pat:10\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"cfg/app.env:aws-access-token:3": true, "abc123:src/a.go:github-pat:10": true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

var fuzzSeedRule = regexp.MustCompile(`(?s)\[\[rules\]\].*?\n\n`)

func FuzzParse(f *testing.F) {
	f.Add([]byte("[[rules]]\nid='a'\nregex='''a(b)'''\nsecretGroup=1\nkeywords=['a']\n[[rules.allowlists]]\nstopwords=['x']\n"))
	f.Add([]byte("[extend]\nuseDefault=true\n[allowlist]\npaths=['x']\n"))
	f.Add([]byte("[[allowlists]]\ntargetRules=['a']\nregexTarget='line'\nregexes=['(']\n"))
	if p, ok := sharedFixture(); ok {
		data, _ := os.ReadFile(p)
		for _, m := range fuzzSeedRule.FindAll(data, 5) {
			f.Add(m)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := gitleaks.Parse(data, "fuzz.toml", gitleaks.Options{})
		if err != nil {
			return
		}
		// Whatever loads must compile.
		if _, err := secrets.New(res.Config, secrets.Options{}); err != nil {
			t.Fatalf("loaded config does not compile: %v", err)
		}
	})
}
