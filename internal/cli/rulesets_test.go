package cli

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/internal/testutil"
)

// currentRelease is the release new rules are recorded with by -update.
const currentRelease = "v0.1.0"

// TestRulesetsComplete keeps rulesets.txt in step with the rules: every rule
// has the release that introduced it, and no entry names a rule that is gone.
func TestRulesetsComplete(t *testing.T) {
	ids := versionedRuleIDs()
	slices.Sort(ids)
	ids = slices.Compact(ids)
	since := ruleSince()
	if testutil.Update() {
		var b strings.Builder
		b.WriteString("# Rule ID and the sluice release that introduced it (see rulesets.go).\n")
		for _, id := range ids {
			rel := since[id]
			if rel == "" {
				rel = currentRelease
			}
			fmt.Fprintf(&b, "%s %s\n", id, rel)
		}
		if err := os.WriteFile("rulesets.txt", []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, id := range ids {
		if since[id] == "" {
			t.Errorf("rule %s is not in internal/cli/rulesets.txt: add it with the release it ships in (go test ./internal/cli -update adds %s)", id, currentRelease)
		}
	}
	for id := range since {
		if !slices.Contains(ids, id) {
			t.Errorf("rulesets.txt names %s, which no engine has: remove it", id)
		}
	}
}
