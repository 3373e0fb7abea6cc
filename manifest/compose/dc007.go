package compose

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var dc007 = Rule{
	Rule: manifest.Rule{
		ID: "DC007", Version: 1, Severity: finding.SeverityMedium,
		Title: "Image uses :latest or no tag",
		Help: "An image without a tag, or with `:latest`, may be different on every pull. Name a version tag or a " +
			"digest. Services that `build` their image and images with `${VARIABLES}` are not judged.",
	},
	Check: checkImages(func(ref string, _ *Options) string { return manifest.TagProblem(ref) }),
}
