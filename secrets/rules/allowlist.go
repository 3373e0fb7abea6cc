package rules

import "github.com/sluice-dev/sluice/secrets"

// Allowlists returns the global allowlists that go with the built-in rules:
// files whose content is checksums and resolved versions, where long random
// strings are integrity hashes, never credentials.
func Allowlists() []secrets.Allowlist {
	return []secrets.Allowlist{{
		Description: "lockfiles and checksum files: integrity hashes, not secrets",
		Paths: []string{
			`(?:^|/)(?:go\.sum|go\.work\.sum|package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lock|deno\.lock)$`,
			`(?:^|/)(?:Cargo\.lock|poetry\.lock|Pipfile\.lock|uv\.lock|composer\.lock|Gemfile\.lock|gradle\.lockfile|packages\.lock\.json|flake\.lock)$`,
		},
	}}
}
