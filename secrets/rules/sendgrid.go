package rules

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/secrets"
)

func sendgrid() []secrets.Rule {
	return []secrets.Rule{{
		ID:          "sendgrid-api-key",
		Description: "SendGrid API key",
		Severity:    finding.SeverityHigh,
		Regex:       `\b(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?:[^A-Za-z0-9_-]|$)`,
		Entropy:     3,
		Keywords:    []string{"sg."},
		Version:     1,
		TruePositives: []string{
			`SENDGRID_API_KEY=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`,
		},
		FalsePositives: []string{
			`SENDGRID_API_KEY=SG.xxxxx`,
		},
	}}
}
