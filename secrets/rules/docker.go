package rules

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/secrets"
)

func docker() []secrets.Rule {
	return []secrets.Rule{{
		ID:          "docker-config-auth",
		Description: "Registry credential in a Docker client config (config.json / .dockercfg / .dockerconfigjson)",
		Severity:    finding.SeverityHigh,
		// "auth" is base64 of user:password.
		Regex:       `"(?:auth|identitytoken)"\s{0,5}:\s{0,5}"([A-Za-z0-9+/]{12,}={0,2})"`,
		Path:        `(?:^|/)(?:\.?docker/config\.json|\.dockercfg|\.dockerconfigjson|auth\.json)$`,
		Keywords:    []string{`"auth"`, `"identitytoken"`},
		ExamplePath: ".docker/config.json",
		Version:     1,
		TruePositives: []string{
			`{"auths": {"registry.example.com": {"auth": "Y2ktYm90OkFWOERuUmx6R1c3aFVOd09kcXJ5"}}}`,
		},
		FalsePositives: []string{
			`{"auths": {"registry.example.com": {}}, "credsStore": "desktop"}`,
			`{"auths": {"registry.example.com": {"auth": ""}}}`,
		},
	}}
}
