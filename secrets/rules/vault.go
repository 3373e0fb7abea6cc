package rules

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/secrets"
)

func vault() []secrets.Rule {
	return []secrets.Rule{{
		ID:          "vault-token",
		Description: "HashiCorp Vault service or batch token",
		Severity:    finding.SeverityHigh,
		Regex:       `\b(hv[sb]\.[A-Za-z0-9_-]{90,120})(?:[^A-Za-z0-9_-]|$)`,
		Entropy:     3.5,
		Keywords:    []string{"hvs.", "hvb."},
		Version:     1,
		TruePositives: []string{
			`VAULT_TOKEN=hvs.qeSPt5Pv74GDqQ7EyIMttFPSuEPyHnvnzXtsMM3JznnJAX7ebZ3CL7csGZaF31DDxp63OHm1FZuG296c0xPbX_neGB`,
		},
		FalsePositives: []string{
			`VAULT_TOKEN=hvs.short`,
		},
	}}
}
