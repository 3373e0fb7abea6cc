// Package wanttest is the fixture harness of the configuration checks:
// fixtures carry their expectations inline ("# want K8S001" at the end of
// the line a finding must point at), or, for JSON which has no comments, in
// a sidecar file NAME.want with one "LINE RULE" per line. The harness fails
// on missing and on unexpected findings alike.
package wanttest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var wantComment = regexp.MustCompile(`#\s*want\s+(.+)$`)

// Want returns the expected findings of a fixture as sorted "LINE RULE"
// strings. keep filters rule IDs (nil keeps all).
func Want(path string, keep func(rule string) bool) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := []string{}
	if side, err := os.ReadFile(path + ".want"); err == nil {
		sc := bufio.NewScanner(bytes.NewReader(side))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			f := strings.Fields(line)
			if len(f) != 2 {
				return nil, fmt.Errorf("%s.want: %q: want \"LINE RULE\"", path, line)
			}
			n, err := strconv.Atoi(f[0])
			if err != nil {
				return nil, fmt.Errorf("%s.want: %q: %v", path, line, err)
			}
			if keep == nil || keep(f[1]) {
				out = append(out, key(n, f[1]))
			}
		}
	}
	for i, line := range strings.Split(string(data), "\n") {
		m := wantComment.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		for _, id := range strings.Fields(m[1]) {
			if keep == nil || keep(id) {
				out = append(out, key(i+1, id))
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// Got returns findings as sorted "LINE RULE" strings, for those whose path
// is path.
func Got(fs []finding.Finding, path string, keep func(rule string) bool) []string {
	out := []string{}
	for _, f := range fs {
		if f.Location.Path == path && (keep == nil || keep(f.Rule)) {
			out = append(out, key(f.Location.Line, f.Rule))
		}
	}
	sort.Strings(out)
	return out
}

func key(line int, rule string) string { return fmt.Sprintf("%4d %s", line, rule) }

// Shared returns the path of a directory of the shared data (corpus,
// fixtures) for a test running in pkgDir levels below the repository root:
// ../shared beside the checkout as CI lays it out, or one level further up
// for a worktree. ok is false when neither exists.
func Shared(depth int, rel ...string) (string, bool) {
	up := strings.Repeat("../", depth)
	for _, base := range []string{up + "../shared", up + "../../shared"} {
		p := filepath.Join(append([]string{filepath.FromSlash(base)}, rel...)...)
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p, true
		}
	}
	return "", false
}

// CheckRules is the meta-test of a platform's rule list: IDs unique and
// sorted; title, help (40+ characters), version and severity present; and,
// when caught is not nil, a catch fixture expecting each rule (caught holds
// the rule IDs the fixtures expect, see IDs).
func CheckRules(t testing.TB, rules []manifest.Rule, caught map[string]bool) {
	t.Helper()
	seen := map[string]bool{}
	for i, r := range rules {
		if seen[r.ID] {
			t.Errorf("duplicate rule ID %s", r.ID)
		}
		seen[r.ID] = true
		if i > 0 && rules[i-1].ID > r.ID {
			t.Errorf("rules are not sorted by ID: %s before %s", rules[i-1].ID, r.ID)
		}
		if caught != nil && !caught[r.ID] {
			t.Errorf("rule %s has no catch fixture", r.ID)
		}
		if r.Title == "" || len(r.Help) < 40 || r.Version < 1 || r.Severity == finding.SeverityUnknown {
			t.Errorf("%s: title, help (40+ chars), version and severity are required", r.ID)
		}
	}
}

// IDs adds the rule IDs of "LINE RULE" expectations (as Want returns them)
// to ids.
func IDs(ids map[string]bool, want []string) {
	for _, w := range want {
		ids[strings.Fields(w)[1]] = true
	}
}

// Load reads the fixture at path and fails t unless it is detected as
// format.
func Load(t testing.TB, path string, format manifest.Format) *manifest.File {
	t.Helper()
	f, err := manifest.ReadFile(path, manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Format != format {
		t.Fatalf("%s: detected as %q, want %s", path, f.Format, format)
	}
	return f
}
