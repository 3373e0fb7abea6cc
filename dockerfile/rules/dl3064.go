package rules

import (
	"slices"
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3064: ARG or ENV has a name that suggests a secret
var dl3064 = dockerfile.Rule{
	ID:       "DL3064",
	Version:  1,
	Title:    "ARG or ENV has a name that suggests a secret.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "ARG and ENV values are recorded in the image configuration and build history, visible to anyone who can pull the image. Names like PASSWORD, TOKEN or SECRET suggest a credential is being passed that way; use build secrets (RUN --mount=type=secret) instead.",
	Bad: `FROM debian:12
ARG GITHUB_TOKEN`,
	Good: `FROM debian:12
RUN --mount=type=secret,id=github_token cat /run/secrets/github_token`,
	Check: checkDL3064,
}

func checkDL3064(p *dockerfile.Pass) {
	for _, in := range p.File.Instructions {
		if in.Cmd != "arg" && in.Cmd != "env" {
			continue
		}
		for _, pr := range in.Pairs {
			if sensitiveName(pr.Key) {
				p.Report(in, "%s %s may carry sensitive data", strings.ToUpper(in.Cmd), pr.Key)
				break
			}
		}
	}
}

// sensitiveNames are well-known credential variables.
var sensitiveNames = strings.Fields(`ACCESS_TOKEN APPLICATION_KEY APP_SECRET AUTH_TOKEN AWS_ACCESS_KEY_ID
	AWS_SECRET_ACCESS_KEY CF_PASSWORD CF_USERNAME CIRCLE_TOKEN CI_DEPLOY_PASSWORD CI_DEPLOY_USER
	DOCKERHUB_PASSWORD DOCKER_PASSWORD DOCKER_USERNAME FIREBASE_TOKEN GH_TOKEN GITHUB_TOKEN
	HEROKU_API_KEY NPM_AUTH_TOKEN NPM_TOKEN OPENAI_API_KEY OS_PASSWORD POSTGRES_PASSWORD SLACK_TOKEN
	STRIPE_API_KEY VAULT_TOKEN`)

// sensitiveParts are substrings of variable names that suggest a credential.
var sensitiveParts = []string{"api_key", "apikey", "client_key", "password", "passwd", "private", "secret", "token", "username"}

func sensitiveName(name string) bool {
	if slices.Contains(sensitiveNames, strings.ToUpper(name)) {
		return true
	}
	l := strings.ToLower(name)
	for _, s := range sensitiveParts {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}
