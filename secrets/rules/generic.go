package rules

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/secrets"
)

func generic() []secrets.Rule {
	return []secrets.Rule{{
		ID:          "generic-secret-assignment",
		Description: "Password, secret, API key or token assigned a literal value",
		Severity:    finding.SeverityMedium,
		// A secret-ish word ending a name (the rest of the name is not
		// needed in the match, and leaving it out keeps the regex fast), an
		// assignment, and a quoted (or, in .env/.properties/YAML style, bare)
		// value with entropy.
		Regex:   `(?i)(?:password|passwd|pwd|secret|api[_.-]?key|apikey|access[_.-]?key|access[_.-]?token|auth[_.-]?token|client[_.-]?secret|private[_.-]?key)[a-z0-9_.-]{0,20}?["']?[ \t]{0,5}(?:=|:=|:|=>)[ \t]{0,5}(?:["'\x60]([^\s"'\x60]{8,128})["'\x60]|([A-Za-z0-9+/=_.~!@#%^*-]{12,128})[ \t]*(?:\r?\n|$))`,
		Entropy: 3.5,
		Keywords: []string{"password", "passwd", "pwd", "secret", "api_key", "api-key", "api.key", "apikey",
			"access_key", "access-key", "accesskey", "access_token", "access-token", "accesstoken",
			"auth_token", "auth-token", "authtoken", "private_key", "privatekey"},
		Allowlists: []secrets.Allowlist{{
			Description: "placeholders, references and code, not literal secrets",
			Regexes: []string{
				`^\$\{?[A-Za-z_][A-Za-z0-9_.]*\}?$`,                              // $VAR, ${VAR}
				`^\$\{\{.*\}\}$|^\{\{.*\}\}$`,                                    // CI and template expressions
				`^%[sv]$|^%\(\w+\)s$|^<[^>]*>$`,                                  // format strings, <placeholders>
				`^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+(?:\(\))?$`, // dotted identifiers: config.db.password
				`^[a-z]+(?:[_-][a-z]+)*$`,                                        // plain lower-case words: not-a-secret
				`^[A-Z]+(?:_[A-Z0-9]+)+$`,                                        // constant names: SOME_ENV_VAR
				`^[a-z]+(?:[A-Z][a-z]+|[A-Z]+|[0-9]+)*(?:[A-Z][a-z]+)$`,          // camelCase identifiers: testRSAPrivateKey
			},
			StopWords: []string{"example", "placeholder", "changeme", "change_me", "your_", "your-", "xxxxxx",
				"redacted", "dummy", "sample", "1234567", "abcdef", "password"},
		}},
		Version: 1,
		TruePositives: []string{
			`db_password = "Zq7vN3pK9wLm2xT"`,
			`API_KEY=kTY88mHwg2KDInTEGbOY1xHv`,
			`  client_secret: 'q8Jt3LvNw2RbZ5xK'`,
			`const apiKey = "kTY88mHwg2KDInTEGbOY1xHv";`,
		},
		FalsePositives: []string{
			`password = os.Getenv("DB_PASSWORD")`,
			`db_password = "${DB_PASSWORD}"`,
			`api_key: "your-api-key-here"`,
			`secret = "changeme"`,
			`password: "aaaaaaaaaaaa"`,
			`client_secret: {{ .Values.secret }}`,
			`passwordField := config.auth.password`,
			`secretName: my-app-secret-volume`,
			`cfg.PrivateKey = testRSA2048PrivateKey`,
		},
	}}
}
