package rules

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/secrets"
)

func jwt() []secrets.Rule {
	return []secrets.Rule{{
		ID:          "jwt",
		Description: "JSON Web Token (signed; may still be valid)",
		Severity:    finding.SeverityMedium,
		// Header and payload are base64url JSON objects, so both start with
		// "eyJ" ({"); the signature is required.
		Regex:    `\b(eyJ[A-Za-z0-9_-]{15,}\.eyJ[A-Za-z0-9_-]{15,}\.[A-Za-z0-9_-]{20,})(?:[^A-Za-z0-9_.-]|$)`,
		Entropy:  3.5,
		Keywords: []string{"eyj"},
		Version:  1,
		TruePositives: []string{
			`Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzbHVpY2UtZGVtbyIsImlhdCI6MTcwMDAwMDAwMH0.kTY88mHwg2KDInTEGbOY1xHvq3d2L1Fz3Xc0`,
		},
		FalsePositives: []string{
			`eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.`, // unsigned
			`header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"`,
		},
	}}
}
