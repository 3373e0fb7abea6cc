package k8s

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var k8s001 = Rule{
	Rule: manifest.Rule{
		ID: "K8S001", Version: 1, Severity: finding.SeverityMedium,
		Title: "Image uses :latest or no tag",
		Help: "A container image named without a tag, or with `:latest`, changes under the same name: two nodes may run " +
			"different code, and a rollback cannot return to what ran before. Name a version tag, or better a digest " +
			"(`image: registry/app:1.4.2@sha256:…`).",
	},
	Check: checkImages(func(ref string, _ *Options) string { return manifest.TagProblem(ref) }),
}
