package k8s

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var k8s002 = Rule{
	Rule: manifest.Rule{
		ID: "K8S002", Version: 1, Severity: finding.SeverityLow, Strict: true,
		Title: "Image not pinned by digest",
		Help: "A tag can be moved to other content by whoever can push to the repository. Only a digest " +
			"(`@sha256:…`) names exactly the image that was scanned and signed. Pin images by digest; tools such as " +
			"`crane digest` or Renovate keep the pins current.",
	},
	Check: checkImages(func(ref string, _ *Options) string { return manifest.PinProblem(ref) }),
}
