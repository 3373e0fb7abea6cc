// Package rules holds sluice's built-in secret rules, written for sluice:
// one file per provider, every rule with true- and false-positive examples
// that the package tests run. All lists them; callers pass the list to
// secrets.New.
//
// Severities: critical for keys that open infrastructure outright (private
// keys, cloud account keys), high for live service credentials (VCS, CI,
// chat, payment, registry tokens, database URLs with passwords), medium for
// heuristics and short-lived tokens (generic assignments, JWTs), low for test
// mode keys. A finding in a file a later image layer deleted is at least high.
package rules

import (
	"slices"
	"strings"

	"github.com/sluice-dev/sluice/secrets"
)

// All returns every built-in rule, sorted by ID. Each call returns fresh
// values the caller may change.
func All() []secrets.Rule {
	all := slices.Concat(
		anthropic(),
		aws(),
		azure(),
		database(),
		digitalocean(),
		docker(),
		gcp(),
		generic(),
		github(),
		gitlab(),
		huggingface(),
		jwt(),
		npm(),
		openai(),
		privateKeys(),
		pypi(),
		sendgrid(),
		shopify(),
		slack(),
		stripe(),
		twilio(),
		vault(),
	)
	slices.SortFunc(all, func(a, b secrets.Rule) int { return strings.Compare(a.ID, b.ID) })
	return all
}
