package rules

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/secrets"
)

func gitlab() []secrets.Rule {
	return []secrets.Rule{
		{
			ID:          "gitlab-pat",
			Description: "GitLab personal, project or group access token",
			Severity:    finding.SeverityHigh,
			Regex:       `\b(glpat-[A-Za-z0-9_-]{20,})(?:[^A-Za-z0-9_-]|$)`,
			Entropy:     3,
			Keywords:    []string{"glpat-"},
			Version:     1,
			TruePositives: []string{
				`GITLAB_TOKEN=glpat-y8F5n3-YNBDRzrZSgqbj`,
			},
			FalsePositives: []string{
				`GITLAB_TOKEN=glpat-xxxxxxxxxxxxxxxxxxxx`,
				`GITLAB_TOKEN=glpat-short`,
			},
		},
		{
			ID:          "gitlab-runner-token",
			Description: "GitLab runner authentication token",
			Severity:    finding.SeverityHigh,
			Regex:       `\b(glrt-[A-Za-z0-9_-]{20,})(?:[^A-Za-z0-9_-]|$)`,
			Entropy:     3,
			Keywords:    []string{"glrt-"},
			Version:     1,
			TruePositives: []string{
				`token = "glrt-G3uhkWKFLf6xuI5aHUQP"`,
			},
			FalsePositives: []string{
				`token = "glrt-REDACTED"`,
			},
		},
		{
			ID:          "gitlab-runner-registration-token",
			Description: "GitLab runner registration token (legacy)",
			Severity:    finding.SeverityHigh,
			Regex:       `\b(GR1348941[A-Za-z0-9_-]{20})(?:[^A-Za-z0-9_-]|$)`,
			Entropy:     3,
			Keywords:    []string{"gr1348941"},
			Version:     1,
			TruePositives: []string{
				`--registration-token GR1348941dfrUnW5gcF_Ha6ili8Gj`,
			},
			FalsePositives: []string{
				`--registration-token GR1348941`,
			},
		},
		{
			ID:          "gitlab-pipeline-trigger-token",
			Description: "GitLab pipeline trigger token",
			Severity:    finding.SeverityHigh,
			Regex:       `\b(glptt-[0-9a-f]{40})\b`,
			Keywords:    []string{"glptt-"},
			Version:     1,
			TruePositives: []string{
				`curl -F token=glptt-7196b50ac2f86702824c1c099724caf4941d4072 -F ref=main`,
			},
			FalsePositives: []string{
				`curl -F token=glptt-$TRIGGER_TOKEN`,
			},
		},
	}
}
