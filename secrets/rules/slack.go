package rules

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/secrets"
)

func slack() []secrets.Rule {
	return []secrets.Rule{
		{
			ID:          "slack-bot-token",
			Description: "Slack bot token",
			Severity:    finding.SeverityHigh,
			Regex:       `\b(xoxb-[0-9]{10,13}-[0-9]{10,13}-?[A-Za-z0-9]{24,34})\b`,
			Keywords:    []string{"xoxb-"},
			Version:     1,
			TruePositives: []string{
				`SLACK_BOT_TOKEN=xoxb-433377617409-3192544992070-FrRgSnRFsTHsDDDXh5Jmtf7E`,
			},
			FalsePositives: []string{
				`SLACK_BOT_TOKEN=xoxb-your-token-here`,
			},
		},
		{
			ID:          "slack-user-token",
			Description: "Slack user or workspace token",
			Severity:    finding.SeverityHigh,
			Regex:       `\b(xox[pear]-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[a-f0-9]{32})\b`,
			Keywords:    []string{"xoxp-", "xoxe-", "xoxa-", "xoxr-"},
			Version:     1,
			TruePositives: []string{
				`token: xoxp-047187463319-128452984153-7760207764265-ca3a0aac36098b2cc2bd818319478da6`,
			},
			FalsePositives: []string{
				`token: xoxp-000000000000`,
			},
		},
		{
			ID:          "slack-app-token",
			Description: "Slack app-level token",
			Severity:    finding.SeverityHigh,
			Regex:       `(?i)\b(xapp-\d-[A-Z0-9]{8,12}-\d{10,14}-[a-z0-9]{32,64})\b`,
			Keywords:    []string{"xapp-"},
			Version:     1,
			TruePositives: []string{
				`SLACK_APP_TOKEN=xapp-1-AX1BZ99NFD0-7924708227654-988c79fc35526f7eaed46725a2a7b860dcd6c8a1f8b46287cced9041dff02cee`,
			},
			FalsePositives: []string{
				`SLACK_APP_TOKEN=xapp-1-XXXX`,
			},
		},
		{
			ID:          "slack-webhook-url",
			Description: "Slack incoming webhook URL",
			Severity:    finding.SeverityHigh,
			Regex:       `(https?://hooks\.slack\.com/(?:services|workflows|triggers)/T[A-Z0-9]{8,12}/[A-Z0-9]{8,12}/[A-Za-z0-9]{23,34})\b`,
			Keywords:    []string{"hooks.slack.com"},
			Version:     1,
			TruePositives: []string{
				`webhook: https://hooks.slack.com/services/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`,
			},
			FalsePositives: []string{
				`webhook: https://hooks.slack.com/services/T00000000/B00000000/XXXX`,
				`see https://hooks.slack.com/ for details`,
			},
		},
	}
}
