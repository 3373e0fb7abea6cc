package ecs

import (
	"fmt"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var ecs007 = Rule{
	Rule: manifest.Rule{
		ID: "ECS007", Version: 1, Severity: finding.SeverityMedium,
		Title: "Image uses :latest or no tag",
		Help: "An image without a tag, or with `:latest`, may be different on every task start. Name a version tag or " +
			"a digest. Intrinsic functions and CodeDeploy placeholders (`<IMAGE1_NAME>`) are not judged.",
	},
	Check: func(t *TaskDefinition, _ *Options, emit Emit) {
		for _, c := range t.Containers() {
			if ref, ok := imageRef(&c); ok {
				if p := manifest.TagProblem(ref); p != "" {
					emit(t, []any{"containerDefinitions", c.Index, "image"}, fmt.Sprintf("%s: image %q %s", who(t, &c), ref, p))
				}
			}
		}
	},
}
