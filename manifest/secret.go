package manifest

import (
	"regexp"
	"strings"
)

// secretName matches environment variable names that conventionally carry
// a credential.
var secretName = regexp.MustCompile(`(?i)(passw(or)?d|passwd|(^|_)pwd($|_)|secret|token|api_?key|private_?key|access_?key|credential|auth_?key|_pass$|^pass$)`)

// notSecretSuffix are name endings that say the value points at a secret or
// describes one rather than being one (MYSQL_PASSWORD_FILE, TOKEN_URL).
var notSecretSuffix = []string{
	"_FILE", "_PATH", "_DIR", "_URL", "_URI", "_ENDPOINT", "_NAME", "_ID", "_TYPE",
	"_LENGTH", "_EXPIRY", "_TTL", "_TIMEOUT", "_HEADER", "_SECONDS", "_REF", "_ARN",
	"_ENABLED", "_REQUIRED", "_POLICY", "_KEY_ID",
}

// LiteralSecret reports whether an environment variable passes a
// credential as a literal value: its name says it is one and its value is
// neither empty, a reference (${VAR}, $(VAR)), a path nor a flag-like
// boolean. The value itself is never part of any message.
func LiteralSecret(name, value string) bool {
	if !secretName.MatchString(name) {
		return false
	}
	upper := strings.ToUpper(name)
	if strings.Contains(upper, "ALLOW_EMPTY") || strings.Contains(upper, "RANDOM_ROOT") || strings.Contains(upper, "INITIAL_CLUSTER_TOKEN") {
		return false
	}
	for _, s := range notSecretSuffix {
		if strings.HasSuffix(upper, s) {
			return false
		}
	}
	v := strings.TrimSpace(value)
	if v == "" || strings.HasPrefix(v, "/") || Dynamic(v) || strings.HasPrefix(v, "$") {
		return false
	}
	switch strings.ToLower(v) {
	case "true", "false", "yes", "no", "on", "off", "0", "1", "null", "none", "~":
		return false
	}
	return true
}
