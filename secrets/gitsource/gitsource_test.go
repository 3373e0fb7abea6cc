package gitsource_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/secrets"
	"github.com/sluice-dev/sluice/secrets/gitsource"
	"github.com/sluice-dev/sluice/secrets/rules"
)

func git(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func needGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
}

func commit(t *testing.T, dir, who, date, msg string) string {
	env := []string{"GIT_AUTHOR_NAME=" + who, "GIT_AUTHOR_EMAIL=" + strings.ToLower(who) + "@example.com",
		"GIT_COMMITTER_NAME=" + who, "GIT_COMMITTER_EMAIL=ci@example.com",
		"GIT_AUTHOR_DATE=" + date, "GIT_COMMITTER_DATE=" + date}
	git(t, dir, env, "add", "-A")
	git(t, dir, env, "commit", "-q", "-m", msg)
	return git(t, dir, nil, "rev-parse", "HEAD")
}

func writeFile(t *testing.T, dir, name, text string) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

const (
	key1 = "AKIAUJZDEGXDNCF32EPF"
	key2 = "ASIA3DHODZDOCIS2JHTL"
	key3 = "AKIA3DHODZDOCIS2JHTM"
)

// TestHistoryAttribution builds a repository where a secret is committed,
// the file then changed (secret kept), the secret rotated, the file deleted,
// and checks each secret is found once, attributed to the commit, author,
// date and path that introduced it.
func TestHistoryAttribution(t *testing.T) {
	needGit(t)
	dir := t.TempDir()
	git(t, dir, nil, "init", "-q", "-b", "main")
	writeFile(t, dir, "README.md", "# demo\n")
	c0 := commit(t, dir, "Alice", "2024-01-01T10:00:00Z", "start")
	writeFile(t, dir, "config/app.env", "REGION=eu\nAWS_ACCESS_KEY_ID="+key1+"\n")
	c1 := commit(t, dir, "Bob", "2024-02-01T10:00:00Z", "add config")
	writeFile(t, dir, "config/app.env", "REGION=us\nAWS_ACCESS_KEY_ID="+key1+"\n") // same key, changed file
	commit(t, dir, "Carol", "2024-03-01T10:00:00Z", "change region")
	writeFile(t, dir, "config/app.env", "REGION=us\nAWS_ACCESS_KEY_ID="+key3+"\n") // the secret changes
	c3 := commit(t, dir, "Frank", "2024-03-15T10:00:00Z", "rotate key")
	git(t, dir, nil, "rm", "-q", "config/app.env")
	commit(t, dir, "Dave", "2024-04-01T10:00:00Z", "remove secret")
	// A second secret only on a side branch.
	git(t, dir, nil, "checkout", "-q", "-b", "feature")
	writeFile(t, dir, "tools/deploy.sh", "export AWS_ACCESS_KEY_ID="+key2+"\necho "+key2+"\n") // twice in one blob
	c4 := commit(t, dir, "Erin", "2024-05-01T10:00:00Z", "deploy script")
	git(t, dir, nil, "checkout", "-q", "main")

	s, err := secrets.New(secrets.Config{Rules: rules.All()}, secrets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	type loc struct {
		Rule, Path, Commit, Author, Date string
		Line                             int
	}
	scan := func(h *gitsource.History) []loc {
		t.Helper()
		rep, err := s.Scan(context.Background(), h)
		if err != nil {
			t.Fatal(err)
		}
		var got []loc
		for _, f := range rep.Findings {
			got = append(got, loc{f.Rule, f.Location.Path, f.Location.Commit, f.Location.Author, f.Location.Date, f.Location.Line})
		}
		slices.SortFunc(got, func(a, b loc) int {
			if c := strings.Compare(a.Date, b.Date); c != 0 {
				return c
			}
			return a.Line - b.Line
		})
		return got
	}
	first := loc{"aws-access-key-id", "config/app.env", c1, "Bob <bob@example.com>", "2024-02-01T10:00:00Z", 2}
	rotated := loc{"aws-access-key-id", "config/app.env", c3, "Frank <frank@example.com>", "2024-03-15T10:00:00Z", 2}
	branch := loc{"aws-access-key-id", "tools/deploy.sh", c4, "Erin <erin@example.com>", "2024-05-01T10:00:00Z", 1}
	branch2 := branch
	branch2.Line = 2
	cases := []struct {
		name string
		h    *gitsource.History
		want []loc
	}{
		// The secret stays while its file changes: a second blob, but
		// the same secret at the same path, introduced once.
		{"all refs", &gitsource.History{Repo: dir}, []loc{first, rotated, branch, branch2}},
		{"one branch", &gitsource.History{Repo: dir, Revs: []string{"main"}}, []loc{first, rotated}},
		{"since", &gitsource.History{Repo: dir, Since: "2024-04-15"}, []loc{branch, branch2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, scan(c.h)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
	_ = c0
}

// TestStaged checks that only staged, added lines are scanned, at their
// line numbers in the new file.
func TestStaged(t *testing.T) {
	needGit(t)
	dir := t.TempDir()
	git(t, dir, nil, "init", "-q", "-b", "main")
	writeFile(t, dir, "app.env", "A=1\nOLD_KEY="+key1+"\nB=2\n")
	commit(t, dir, "Alice", "2024-01-01T10:00:00Z", "start")
	// Stage a new secret on line 3; leave another one unstaged.
	writeFile(t, dir, "app.env", "A=1\nOLD_KEY="+key1+"\nNEW_KEY="+key2+"\nB=2\n")
	writeFile(t, dir, "new file.txt", "++ not a header\nkey: "+key2+"\n")
	git(t, dir, nil, "add", "app.env", "new file.txt")
	writeFile(t, dir, "unstaged.env", "K="+key2+"\n")

	s, err := secrets.New(secrets.Config{Rules: rules.All()}, secrets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.Scan(context.Background(), &gitsource.Staged{Repo: dir})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rep.Findings {
		got = append(got, f.Location.Path+":"+f.Rule+":"+strconv.Itoa(f.Location.Line))
	}
	want := []string{"app.env:aws-access-key-id:3", "new file.txt:aws-access-key-id:2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseDiff(t *testing.T) {
	diff := "diff --git a/x b/x\nindex 1..2 100644\n--- a/x\n+++ b/x\n@@ -2 +2,2 @@\n-old\n+++ new looks like a header\n+second\n" +
		"diff --git a/gone b/gone\ndeleted file mode 100644\n--- a/gone\n+++ /dev/null\n@@ -1 +0,0 @@\n-bye\n" +
		"diff --git a/\"q\\tx\" b/\"q\\tx\"\n--- /dev/null\n+++ \"b/q\\tx\"\n@@ -0,0 +1 @@\n+tabbed\n\\ No newline at end of file\n"
	files, err := gitsource.ParseDiff([]byte(diff))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range files {
		got[f.Path] = string(f.Content())
	}
	want := map[string]string{"x": "\n++ new looks like a header\nsecond\n", "q\tx": "tabbed\n"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func FuzzParseDiff(f *testing.F) {
	f.Add([]byte("diff --git a/x b/x\n+++ b/x\n@@ -1,2 +1,3 @@\n-a\n+b\n+c\n"))
	f.Add([]byte("+++ \"b/\\x\"\n@@ -0,0 +99999999999 @@\n+x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		files, err := gitsource.ParseDiff(data)
		if err != nil {
			return
		}
		for _, f := range files {
			_ = f.Content()
		}
	})
}
