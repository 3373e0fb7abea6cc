package rules

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/secrets"
)

func openai() []secrets.Rule {
	return []secrets.Rule{{
		ID:          "openai-api-key",
		Description: "OpenAI API key",
		Severity:    finding.SeverityHigh,
		// Keys embed "T3BlbkFJ" (base64 of "OpenAI").
		Regex:    `\b(sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{20,160}T3BlbkFJ[A-Za-z0-9_-]{20,160})(?:[^A-Za-z0-9_-]|$)`,
		Keywords: []string{"t3blbkfj"},
		Version:  1,
		TruePositives: []string{
			`OPENAI_API_KEY=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`,
		},
		FalsePositives: []string{
			`OPENAI_API_KEY=sk-proj-...`,
		},
	}}
}
