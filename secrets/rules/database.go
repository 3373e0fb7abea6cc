package rules

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/secrets"
)

func database() []secrets.Rule {
	return []secrets.Rule{{
		ID:          "database-url-password",
		Description: "Database connection URL with a password",
		Severity:    finding.SeverityHigh,
		Regex:       `(?i)\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|cockroachdb|clickhouse)://[^\s:@/'"<>]{1,64}:([^\s@/'"<>]{3,128})@[^\s/'"<>]{1,255}`,
		Keywords:    []string{"postgres", "mysql", "mariadb", "mongodb", "redis", "amqp", "mssql", "sqlserver", "cockroachdb", "clickhouse"},
		Allowlists: []secrets.Allowlist{{
			Description: "placeholders and variables instead of a password",
			Regexes: []string{
				`^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$`, // $PASSWORD, ${DB_PASS}
				`^\{\{.*\}\}$`,                     // templates
				`^%[sv]$|^%\(\w+\)s$`,              // format strings
				`^\*+$|^x+$|^\.+$`,                 // masked
				`(?i)^(?:password|passwd|pass|pwd|secret|changeme|example|test|user|dbpass)$`,
			},
		}},
		Version: 1,
		TruePositives: []string{
			`DATABASE_URL=postgres://app:Zq7vN3pK9wLm@db.internal:5432/app`,
			`mongodb+srv://admin:Tr0ub4dor-x9Q@cluster0.example.net/prod`,
			`redis://default:s3cr3tRedisPw@cache:6379/0`,
		},
		FalsePositives: []string{
			`DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app`,
			`postgres://app:password@localhost/app`,
			`postgres://localhost:5432/app`,
			`mysql://user@host/db`,
		},
	}}
}
