package cli

import (
	"bufio"
	_ "embed"
	"strings"

	"github.com/sluice-dev/sluice/audit"
	"github.com/sluice-dev/sluice/dockerfile/rules"
	"github.com/sluice-dev/sluice/manifest/compose"
	"github.com/sluice-dev/sluice/manifest/ecs"
	"github.com/sluice-dev/sluice/manifest/k8s"
)

// rulesetsFile records the sluice release that introduced each lint, config
// and image rule ("ID release" per line). policy.rules_version uses it: a
// pipeline pinned to v0.1.0 sees findings of later rules as info until the
// pin moves, so upgrading sluice never flips a verdict by surprise.
// TestRulesetsComplete fails when a rule is missing; a new rule is added
// with the release it ships in.
//
//go:embed rulesets.txt
var rulesetsFile string

// ruleSince parses rulesets.txt.
func ruleSince() map[string]string {
	m := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(rulesetsFile))
	for sc.Scan() {
		id, release, ok := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		if ok && !strings.HasPrefix(id, "#") {
			m[id] = release
		}
	}
	return m
}

// versionedRuleIDs lists every rule a ruleset pin covers.
func versionedRuleIDs() []string {
	var ids []string
	for _, r := range rules.All() {
		ids = append(ids, r.ID)
	}
	for _, r := range k8s.Rules() {
		ids = append(ids, r.ID)
	}
	for _, level := range []string{k8s.PSSBaseline, k8s.PSSRestricted} {
		pss, _ := k8s.PSSRules(level)
		for _, r := range pss {
			ids = append(ids, r.ID)
		}
	}
	for _, r := range ecs.Rules() {
		ids = append(ids, r.ID)
	}
	for _, r := range compose.Rules() {
		ids = append(ids, r.ID)
	}
	for _, r := range audit.Rules() {
		ids = append(ids, r.ID)
	}
	return ids
}
