package rules

import (
	"regexp"
	"slices"
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// SL1002: A secret is written into the Dockerfile (ENV, ARG, LABEL or RUN)
var sl1002 = dockerfile.Rule{
	ID:       "SL1002",
	Version:  1,
	Title:    "A secret is written into the Dockerfile (ENV, ARG, LABEL or RUN).",
	Severity: finding.SeverityHigh,
	Why:      "Values in ENV, ARG and LABEL are stored in the image configuration and its history, and RUN command lines are stored in the history: anyone who can pull the image can read them, and they stay in every registry mirror and cache forever. A credential there must be treated as leaked. Pass secrets at build time with RUN --mount=type=secret and at run time from the orchestrator. The check uses a small built-in set of token formats (AWS, GitHub, GitLab, Slack, Stripe, Google, npm, private keys, credentials in URLs) plus secret-named variables with a literal value; the value is never printed whole.",
	Bad: `FROM debian:12
ENV GITHUB_TOKEN=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789`,
	Good: `FROM debian:12
RUN --mount=type=secret,id=github_token GITHUB_TOKEN="$(cat /run/secrets/github_token)" ./fetch.sh`,
	Check: checkSL1002,
}

func checkSL1002(p *dockerfile.Pass) {
	for _, in := range p.File.Instructions {
		switch in.Cmd {
		case "env", "arg", "label":
			for _, pr := range in.Pairs {
				if name, ok := secretPattern(pr.Value); ok {
					p.Report(in, "%s %s holds a %s (%s)", strings.ToUpper(in.Cmd), pr.Key, name, redact(pr.Value))
					break
				}
				if in.Cmd != "label" && pr.Set && secretName(pr.Key) && literalSecret(pr.Value) {
					p.Report(in, "%s %s sets a secret to a literal value (%s)", strings.ToUpper(in.Cmd), pr.Key, redact(pr.Value))
					break
				}
			}
		case "run":
			text := in.Original
			for _, h := range in.Heredocs {
				text += "\n" + h.Content
			}
			if name, m := secretPatternIn(text); name != "" {
				p.Report(in, "RUN contains a %s (%s)", name, redact(m))
			}
		}
	}
}

// secretPatterns is the built-in set of credential formats, until the
// secrets engine's rules can be used here.
// Each pattern runs only when one of its keywords is in the text, so the
// common case (no secret) costs a few substring searches.
var secretPatterns = []struct {
	name     string
	keywords []string
	re       *regexp.Regexp
}{
	{"AWS access key ID", []string{"AKIA", "ASIA", "ABIA", "ACCA"}, regexp.MustCompile(`\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b`)},
	{"GitHub token", []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"}, regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b`)},
	{"GitLab token", []string{"glpat-"}, regexp.MustCompile(`\bglpat-[A-Za-z0-9_-]{20,}`)},
	{"Slack token", []string{"xox"}, regexp.MustCompile(`\bxox[abprs]-[A-Za-z0-9-]{10,}`)},
	{"Stripe live key", []string{"k_live_"}, regexp.MustCompile(`\b[rs]k_live_[A-Za-z0-9]{20,}`)},
	{"Google API key", []string{"AIza"}, regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`)},
	{"npm token", []string{"npm_"}, regexp.MustCompile(`\bnpm_[A-Za-z0-9]{36}\b`)},
	{"private key", []string{"PRIVATE KEY"}, regexp.MustCompile(`-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY`)},
	{"password in a URL", []string{"://"}, regexp.MustCompile(`\b[a-z][a-z0-9+.-]*://[^/\s:@$'"]+:[^/\s:@$'"{}]{3,}@[A-Za-z0-9.-]+`)},
}

func secretPattern(v string) (string, bool) {
	name, _ := secretPatternIn(v)
	return name, name != ""
}

func secretPatternIn(s string) (name, match string) {
	for _, sp := range secretPatterns {
		if !slices.ContainsFunc(sp.keywords, func(k string) bool { return strings.Contains(s, k) }) {
			continue
		}
		if sp.name == "password in a URL" && !strings.Contains(s, "@") {
			continue
		}
		if m := sp.re.FindString(s); m != "" {
			return sp.name, m
		}
	}
	return "", ""
}

var secretNameParts = []string{"password", "passwd", "secret", "token", "api_key", "apikey", "private_key", "access_key", "client_secret"}

// secretName reports whether a variable name says it holds a credential
// (and not where one is: *_FILE, *_PATH, *_URL ...).
func secretName(k string) bool {
	l := strings.ToLower(k)
	for _, suf := range []string{"_file", "_path", "_dir", "_url", "_uri", "_host", "_port", "_name", "_user", "_username", "_env", "_type", "_length", "_ttl", "_expiry"} {
		if strings.HasSuffix(l, suf) {
			return false
		}
	}
	for _, s := range secretNameParts {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}

// literalSecret reports whether a value looks like a real secret rather
// than a reference, a flag or empty.
func literalSecret(v string) bool {
	if len(v) < 6 || strings.ContainsAny(v, "$/ ") {
		return false
	}
	switch strings.ToLower(v) {
	case "true", "false", "enabled", "disabled", "required", "optional", "changeme", "secret", "password", "none", "null":
		return false
	}
	return true
}

// redact keeps the first four characters of a secret.
func redact(s string) string {
	r := []rune(s)
	if len(r) <= 4 {
		return "…"
	}
	return string(r[:4]) + "…"
}
