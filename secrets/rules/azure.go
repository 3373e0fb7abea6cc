package rules

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/secrets"
)

func azure() []secrets.Rule {
	return []secrets.Rule{
		{
			ID:          "azure-storage-account-key",
			Description: "Azure storage account key in a connection string",
			Severity:    finding.SeverityCritical,
			Regex:       `(?i)\bAccountKey\s{0,3}=\s{0,3}([A-Za-z0-9+/]{86}==)`,
			Keywords:    []string{"accountkey"},
			Version:     1,
			TruePositives: []string{
				`DefaultEndpointsProtocol=https;AccountName=demo;AccountKey=iA4uoRgnatmUdjAWtGSU8po+799NksnRH9ucAUsdMlHUvTCQCyEZDz/TddJ8HyS5SUkCnD8zRA9a9SkpXz9w3Q==;EndpointSuffix=core.windows.net`,
			},
			FalsePositives: []string{
				`AccountKey=<your-account-key>`,
				`AccountKey=${AZURE_STORAGE_KEY}`,
			},
		},
		{
			ID:          "azure-ad-client-secret",
			Description: "Azure AD (Entra ID) application client secret",
			Severity:    finding.SeverityHigh,
			Regex:       `(?:^|[\\'"\x60\s>=:(,)])([a-zA-Z0-9_~.]{3}\dQ~[a-zA-Z0-9_~.-]{31,34})(?:$|[\\'"\x60\s<),])`,
			Entropy:     3,
			Keywords:    []string{"q~"},
			Version:     1,
			TruePositives: []string{
				`AZURE_CLIENT_SECRET="fZU8Q~Y7Zkuvqdt7s8Stqcbnr3yBdGBL.EPH1qhT"`,
			},
			FalsePositives: []string{
				`"fZU8Q~short"`,
				`url = "https://example.com/?q~abc"`,
			},
		},
	}
}
