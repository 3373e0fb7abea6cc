package rules

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/secrets"
)

func twilio() []secrets.Rule {
	return []secrets.Rule{
		{
			ID:          "twilio-api-key",
			Description: "Twilio API key SID (paired with its secret)",
			Severity:    finding.SeverityHigh,
			// No \b before SK: a literal start lets the regexp engine jump
			// between "SK"s instead of trying every "sk" of "task" and "disk".
			Regex:    `(SK[0-9a-fA-F]{32})\b`,
			Entropy:  3,
			Keywords: []string{"sk"},
			Version:  1,
			TruePositives: []string{
				`TWILIO_API_KEY=SKeb26c57d21fa5d328263dfe574de7399`,
			},
			FalsePositives: []string{
				`TWILIO_API_KEY=SK00000000000000000000000000000000`,
				`TWILIO_ACCOUNT_SID=ACeb26c57d21fa5d328263dfe574de7399`,
			},
		},
		{
			ID:          "twilio-auth-token",
			Description: "Twilio auth token",
			Severity:    finding.SeverityHigh,
			Regex:       `(?i)\btwilio[\w.-]{0,20}?(?:auth)?[_.-]?token["']?[ \t]{0,5}(?::|=|=>|:=)[ \t]{0,5}["']?([a-f0-9]{32})\b`,
			Entropy:     3,
			Keywords:    []string{"twilio"},
			Version:     1,
			TruePositives: []string{
				`TWILIO_AUTH_TOKEN=88b886e7577496a2c8773e130f7eb197`,
			},
			FalsePositives: []string{
				`TWILIO_AUTH_TOKEN=${TWILIO_AUTH_TOKEN}`,
			},
		},
	}
}
