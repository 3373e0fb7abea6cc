package compose

import (
	"fmt"

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
	Check: func(s *Service, opts *Options, emit Emit) {
		if ref, ok := image(s); ok {
			if p := manifest.RegistryProblem(ref, opts.AllowedRegistries); p != "" {
				emit(s, []any{"image"}, fmt.Sprintf("%s: image %q %s", s, ref, p))
			}
		}
	},
}
