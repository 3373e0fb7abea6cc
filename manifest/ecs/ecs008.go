package ecs

import (
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
	Check: checkImages(func(ref string, _ *Options) string { return manifest.PinProblem(ref) }),
}
