package rules

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/secrets"
)

func aws() []secrets.Rule {
	return []secrets.Rule{
		{
			ID:          "aws-access-key-id",
			Description: "AWS access key ID",
			Severity:    finding.SeverityCritical,
			// Long-term (AKIA), temporary (ASIA) and other IAM key prefixes;
			// the 16 characters after the prefix are base32.
			Regex:    `\b((?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})\b`,
			Entropy:  3,
			Keywords: []string{"akia", "asia", "abia", "acca", "a3t"},
			Allowlists: []secrets.Allowlist{{
				Description: "AWS documentation example keys",
				Regexes:     []string{`EXAMPLE$`},
			}},
			Version: 1,
			TruePositives: []string{
				`aws_access_key_id = AKIAUJZDEGXDNCF32EPF`,
				`export AWS_ACCESS_KEY_ID="ASIA3DHODZDOCIS2JHTL"`,
			},
			FalsePositives: []string{
				`aws_access_key_id = AKIAIOSFODNN7EXAMPLE`, // AWS documentation
				`AKIAAAAAAAAAAAAAAAAA`,                     // no entropy
				`XAKIAUJZDEGXDNCF32EPF`,                    // not at a word boundary
				`AKIAUJZDEGXDNCF32EP1`,                     // 1 is not base32
			},
		},
		{
			ID:          "aws-secret-access-key",
			Description: "AWS secret access key",
			Severity:    finding.SeverityCritical,
			Regex:       `(?i)\baws_?(?:secret)_?(?:access_?)?key(?:_?id)?["']?\s{0,3}(?::|=|=>|:=)\s{0,3}["']?([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)`,
			Entropy:     4,
			Keywords:    []string{"aws_secret", "awssecret"},
			Allowlists: []secrets.Allowlist{{
				Description: "AWS documentation example key",
				Regexes:     []string{`EXAMPLEKEY$`},
			}},
			Version: 1,
			TruePositives: []string{
				`aws_secret_access_key = nyVmihA+2O76UMFxFkM+R5Kjp1vRt/1fjORS+6il`,
				`AWS_SECRET_ACCESS_KEY: "nyVmihA+2O76UMFxFkM+R5Kjp1vRt/1fjORS+6il"`,
			},
			FalsePositives: []string{
				`aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`, // AWS documentation
				`aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}`,
				`aws_secret_access_key = AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`,
			},
		},
	}
}
