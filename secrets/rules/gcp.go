package rules

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/secrets"
)

func gcp() []secrets.Rule {
	return []secrets.Rule{
		{
			ID:          "gcp-api-key",
			Description: "Google Cloud API key",
			Severity:    finding.SeverityHigh,
			Regex:       `\b(AIza[0-9A-Za-z_-]{35})(?:[^0-9A-Za-z_-]|$)`,
			Entropy:     3.5,
			Keywords:    []string{"aiza"},
			Version:     1,
			TruePositives: []string{
				`GOOGLE_API_KEY=AIzaI8ihN5KXSc7Tvo-hBKqFYY-kv5ZJr3J1TWD`,
				`"key": "AIzaI8ihN5KXSc7Tvo-hBKqFYY-kv5ZJr3J1TWD"`,
			},
			FalsePositives: []string{
				`AIzaI8ihN5KXSc7Tvo-hBKqFYY`,                   // too short
				`AIzaI8ihN5KXSc7Tvo-hBKqFYY-kv5ZJr3J1TWDextra`, // too long
			},
		},
		{
			ID:          "gcp-service-account-key",
			Description: "Google Cloud service account key file",
			Severity:    finding.SeverityCritical,
			// The key file is JSON with the type and a PEM private key whose
			// newlines are escaped; the private key ID is the secret shown.
			Regex:    `"type"\s{0,5}:\s{0,5}"service_account"[^}]{0,400}?"private_key_id"\s{0,5}:\s{0,5}"([0-9a-f]{40})"`,
			Keywords: []string{"service_account"},
			Version:  1,
			TruePositives: []string{
				`{"type": "service_account", "project_id": "demo-project", "private_key_id": "7196b50ac2f86702824c1c099724caf4941d4072", "private_key": "-----BEGIN PRIVATE KEY-----\n..."}`,
			},
			FalsePositives: []string{
				`{"type": "service_account", "project_id": "demo-project"}`,
				`{"type": "authorized_user", "private_key_id": "7196b50ac2f86702824c1c099724caf4941d4072"}`,
			},
		},
		{
			ID:          "gcp-oauth-client-secret",
			Description: "Google OAuth client secret",
			Severity:    finding.SeverityHigh,
			Regex:       `\b(GOCSPX-[A-Za-z0-9_-]{28})(?:[^A-Za-z0-9_-]|$)`,
			Keywords:    []string{"gocspx-"},
			Version:     1,
			TruePositives: []string{
				`client_secret: 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`,
			},
			FalsePositives: []string{
				`client_secret: GOCSPX-tkwtDDb`,
			},
		},
	}
}
