package k8s

import (
	"fmt"

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
	Check: func(s *Set, _ *Options, emit Emit) {
		for _, w := range s.Workloads {
			for _, c := range w.Containers() {
				if p := manifest.PinProblem(c.Image); p != "" {
					emit(w.Object, append(c.Path, "image"), fmt.Sprintf("%s container %q: image %q %s", w, c.Name, c.Image, p))
				}
			}
		}
	},
}
