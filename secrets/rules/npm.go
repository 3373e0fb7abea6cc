package rules

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/secrets"
)

func npm() []secrets.Rule {
	return []secrets.Rule{
		{
			ID:          "npm-access-token",
			Description: "npm access token",
			Severity:    finding.SeverityHigh,
			Regex:       `\b(npm_[A-Za-z0-9]{36})\b`,
			Entropy:     3,
			Keywords:    []string{"npm_"},
			Version:     1,
			TruePositives: []string{
				`//registry.npmjs.org/:_authToken=npm_Mj7zdnbMjAdTdlzC5T4uUhf7kvmlP7HVDctQ`,
				`NPM_TOKEN=npm_Mj7zdnbMjAdTdlzC5T4uUhf7kvmlP7HVDctQ`,
			},
			FalsePositives: []string{
				`npm_config_registry=https://registry.npmjs.org/`,
				`NPM_TOKEN=npm_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`,
			},
		},
		{
			ID:          "npmrc-auth",
			Description: "Registry credential in an .npmrc file",
			Severity:    finding.SeverityHigh,
			Regex:       `(?i)(?:^|\n)[ \t]*(?://[^\s=]{1,255}:)?_(?:authToken|auth|password)[ \t]*=[ \t]*["']?([^\s"'$]{8,512})`,
			Path:        `(?:^|/)\.?npmrc$`,
			Keywords:    []string{"_authtoken", "_auth", "_password"},
			Entropy:     3,
			ExamplePath: ".npmrc",
			Version:     1,
			TruePositives: []string{
				"//npm.internal.example/:_authToken=Zq7vN3pK9wLm2xTkTY88mHwg\n",
				"_auth = Y2ktYm90OkFWOERuUmx6R1c3aFVOd09kcXJ5\n",
			},
			FalsePositives: []string{
				"//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n",
				"registry=https://registry.npmjs.org/\n",
			},
		},
	}
}
