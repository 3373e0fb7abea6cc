package ecs

import (
	"fmt"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var ecs009 = Rule{
	Rule: manifest.Rule{
		ID: "ECS009", Version: 1, Severity: finding.SeverityMedium, Registries: true,
		Title: "Image from a registry outside the allowed list",
		Help: "Images should come only from registries you control or trust (`--allowed-registry`). " +
			"The check runs only when a list is given.",
	},
	Check: func(t *TaskDefinition, opts *Options, emit Emit) {
		for _, c := range t.Containers() {
			if ref, ok := imageRef(&c); ok {
				if p := manifest.RegistryProblem(ref, opts.AllowedRegistries); p != "" {
					emit(t, []any{"containerDefinitions", c.Index, "image"}, fmt.Sprintf("%s: image %q %s", who(t, &c), ref, p))
				}
			}
		}
	},
}
