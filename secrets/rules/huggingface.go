package rules

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/secrets"
)

func huggingface() []secrets.Rule {
	return []secrets.Rule{{
		ID:          "huggingface-access-token",
		Description: "Hugging Face access token",
		Severity:    finding.SeverityHigh,
		Regex:       `\b(hf_[A-Za-z]{34})\b`,
		Entropy:     3.5,
		Keywords:    []string{"hf_"},
		Version:     1,
		TruePositives: []string{
			`HF_TOKEN=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`,
		},
		FalsePositives: []string{
			`HF_TOKEN=hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`,
			`self.hf_model_name_or_path_for_config_`,
		},
	}}
}
