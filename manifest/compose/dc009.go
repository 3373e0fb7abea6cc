package compose

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var dc009 = Rule{
	Rule: manifest.Rule{
		ID: "DC009", Version: 1, Severity: finding.SeverityMedium, Registries: true,
		Title: "Image from a registry outside the allowed list",
		Help: "Images should come only from registries you control or trust (`--allowed-registry`). " +
			"The check runs only when a list is given.",
	},
	Check: checkImages(func(ref string, opts *Options) string {
		return manifest.RegistryProblem(ref, opts.AllowedRegistries)
	}),
}
