package rules

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/secrets"
)

func github() []secrets.Rule {
	token := func(id, desc, prefix, tp string) secrets.Rule {
		return secrets.Rule{
			ID:          id,
			Description: desc,
			Severity:    finding.SeverityHigh,
			Regex:       `\b(` + prefix + `_[A-Za-z0-9]{36})\b`,
			Entropy:     3,
			Keywords:    []string{prefix + "_"},
			Version:     1,
			TruePositives: []string{
				`GITHUB_TOKEN=` + tp,
				`token: "` + tp + `"`,
			},
			FalsePositives: []string{
				prefix + `_` + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", // placeholder, no entropy
				prefix + `_short123`,
			},
		}
	}
	return []secrets.Rule{
		token("github-pat", "GitHub personal access token (classic)", "ghp", "ghp_5DQL05HA064GiIjHGb3CXlMaXZjljENUhJdu"),
		token("github-oauth-token", "GitHub OAuth access token", "gho", "gho_RHHJEYXg4JdpmrcXgGCJbW56eCuNGMGmSrCG"),
		token("github-app-user-token", "GitHub App user-to-server token", "ghu", "ghu_IZEG8pSH4487q7J58m1CiAhzCueQpBenQtYh"),
		token("github-app-installation-token", "GitHub App installation (server-to-server) token", "ghs", "ghs_5Xj8TPQxjq4i9DoV8gz4FkQ1okTBGzvAmwuf"),
		token("github-refresh-token", "GitHub refresh token", "ghr", "ghr_UxbvJDCTbyvHNsG9eh6Yo4gfqrc5XlrWi0B2"),
		{
			ID:          "github-fine-grained-pat",
			Description: "GitHub fine-grained personal access token",
			Severity:    finding.SeverityHigh,
			Regex:       `\b(github_pat_[A-Za-z0-9_]{82})\b`,
			Entropy:     3,
			Keywords:    []string{"github_pat_"},
			Version:     1,
			TruePositives: []string{
				`GH_TOKEN=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`,
			},
			FalsePositives: []string{
				`GH_TOKEN=github_pat_6R08qzjI6GKFSufrdZSlB5`,
			},
		},
	}
}
