package ecs

import (
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
	Check: checkImages(func(ref string, _ *Options) string { return manifest.TagProblem(ref) }),
}
