package rules

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/secrets"
)

func anthropic() []secrets.Rule {
	return []secrets.Rule{{
		ID:          "anthropic-api-key",
		Description: "Anthropic API key",
		Severity:    finding.SeverityHigh,
		Regex:       `\b(sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA)(?:[^A-Za-z0-9_-]|$)`,
		Keywords:    []string{"sk-ant-"},
		Version:     1,
		TruePositives: []string{
			`ANTHROPIC_API_KEY=sk-ant-api03-L31Ugq_DfcgaTMnTC0MrAU8urbFt5misIZHbhS4-FvafhdZxEuhnbzs0z1wNiMg9aW37k5wCnHDepQHgI3HLBkbvHEzuPAA`,
		},
		FalsePositives: []string{
			`ANTHROPIC_API_KEY=sk-ant-api03-...`,
		},
	}}
}
