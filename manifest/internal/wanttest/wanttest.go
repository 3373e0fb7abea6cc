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

	"github.com/sluice-dev/sluice/finding"
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
