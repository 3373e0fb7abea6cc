package ecs

import (
	"fmt"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var ecs008 = Rule{
	Rule: manifest.Rule{
		ID: "ECS008", Version: 1, Severity: finding.SeverityLow, Strict: true,
		Title: "Image not pinned by digest",
		Help: "Only a digest (`@sha256:…`) names exactly the image that was scanned and signed; a tag can be moved. " +
			"Pin images by digest.",
	},
	Check: func(t *TaskDefinition, _ *Options, emit Emit) {
		for _, c := range t.Containers() {
			if ref, ok := imageRef(&c); ok {
				if p := manifest.PinProblem(ref); p != "" {
					emit(t, []any{"containerDefinitions", c.Index, "image"}, fmt.Sprintf("%s: image %q %s", who(t, &c), ref, p))
				}
			}
		}
	},
}
