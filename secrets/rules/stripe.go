package rules

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/secrets"
)

func stripe() []secrets.Rule {
	return []secrets.Rule{
		{
			ID:          "stripe-live-secret-key",
			Description: "Stripe live secret or restricted key",
			Severity:    finding.SeverityHigh,
			Regex:       `\b((?:sk|rk)_live_[0-9A-Za-z]{24,99})\b`,
			Entropy:     3,
			Keywords:    []string{"sk_live_", "rk_live_"},
			Version:     1,
			TruePositives: []string{
				`STRIPE_SECRET_KEY=sk_live_ItDr9uP14pEHpJpb9ATPtdbm`,
				`stripe.api_key = "rk_live_F4RPAfqoQB7xoFcSvTAxRzmaZsV2GenFmt"`,
			},
			FalsePositives: []string{
				`STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx`,
				`STRIPE_PUBLISHABLE_KEY=pk_live_ItDr9uP14pEHpJpb9ATPtdbm`,
			},
		},
		{
			ID:          "stripe-test-secret-key",
			Description: "Stripe test mode secret key (no live money, still an account credential)",
			Severity:    finding.SeverityLow,
			Regex:       `\b((?:sk|rk)_test_[0-9A-Za-z]{24,99})\b`,
			Entropy:     3,
			Keywords:    []string{"sk_test_", "rk_test_"},
			Version:     1,
			TruePositives: []string{
				`STRIPE_SECRET_KEY=sk_test_X0moDoqW4sg8NFNl5oFA6Qd8`,
			},
			FalsePositives: []string{
				`STRIPE_SECRET_KEY=sk_test_...`,
			},
		},
	}
}
