package rules

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/secrets"
)

func digitalocean() []secrets.Rule {
	return []secrets.Rule{{
		ID:          "digitalocean-token",
		Description: "DigitalOcean personal access, OAuth or refresh token",
		Severity:    finding.SeverityHigh,
		Regex:       `\b((?:dop|doo|dor)_v1_[a-f0-9]{64})\b`,
		Keywords:    []string{"dop_v1_", "doo_v1_", "dor_v1_"},
		Version:     1,
		TruePositives: []string{
			`DIGITALOCEAN_TOKEN=dop_v1_5b400141212b62c376631129f34369aad80b891baf90d0d3bf16295d06910bf3`,
		},
		FalsePositives: []string{
			`DIGITALOCEAN_TOKEN=dop_v1_`,
		},
	}}
}
