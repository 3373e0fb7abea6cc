package rules

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/secrets"
)

func shopify() []secrets.Rule {
	return []secrets.Rule{{
		ID:          "shopify-token",
		Description: "Shopify access token or shared secret",
		Severity:    finding.SeverityHigh,
		Regex:       `\b((?:shpat|shpca|shppa|shpss)_[a-fA-F0-9]{32})\b`,
		Keywords:    []string{"shpat_", "shpca_", "shppa_", "shpss_"},
		Version:     1,
		TruePositives: []string{
			`SHOPIFY_TOKEN=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`,
		},
		FalsePositives: []string{
			`SHOPIFY_TOKEN=shpat_`,
		},
	}}
}
