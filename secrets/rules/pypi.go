package rules

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/secrets"
)

func pypi() []secrets.Rule {
	return []secrets.Rule{{
		ID:          "pypi-upload-token",
		Description: "PyPI upload token",
		Severity:    finding.SeverityHigh,
		// Macaroons issued by pypi.org start with the base64 of their location.
		Regex:    `\b(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,1000})(?:[^A-Za-z0-9_-]|$)`,
		Keywords: []string{"pypi-ageichlwas5vcmc"},
		Version:  1,
		TruePositives: []string{
			`password = pypi-AgEIcHlwaS5vcmcWVQ4vnakJkS1pAWTN3lg8zV5yPU8d0FZfWe7ihGyiRUIQfHOJMaidDn87XG3-q-xbMtEPO`,
		},
		FalsePositives: []string{
			`password = pypi-AgEIcHlwaS5vcmc`,
		},
	}}
}
