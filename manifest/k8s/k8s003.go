package k8s

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var k8s003 = Rule{
	Rule: manifest.Rule{
		ID: "K8S003", Version: 1, Severity: finding.SeverityMedium, Registries: true,
		Title: "Image from a registry outside the allowed list",
		Help: "Images should come only from registries you control or trust (`--allowed-registry`, or " +
			"`allowed_registries` in `.sluice.yaml`). An entry is a host (`ghcr.io`) or a path prefix " +
			"(`ghcr.io/acme`); `docker.io` covers bare names such as `nginx`. The check runs only when a list is given.",
	},
	Check: checkImages(func(ref string, opts *Options) string {
		return manifest.RegistryProblem(ref, opts.AllowedRegistries)
	}),
}
