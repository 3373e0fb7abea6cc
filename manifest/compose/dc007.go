package compose

import (
	"fmt"

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
	Check: func(s *Service, _ *Options, emit Emit) {
		if ref, ok := image(s); ok {
			if p := manifest.TagProblem(ref); p != "" {
				emit(s, []any{"image"}, fmt.Sprintf("%s: image %q %s", s, ref, p))
			}
		}
	},
}
