package k8s

import (
	"fmt"

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
	Check: func(s *Set, _ *Options, emit Emit) {
		for _, w := range s.Workloads {
			for _, c := range w.Containers() {
				if p := manifest.TagProblem(c.Image); p != "" {
					emit(w.Object, append(c.Path, "image"), fmt.Sprintf("%s container %q: image %q %s", w, c.Name, c.Image, p))
				}
			}
		}
	},
}
