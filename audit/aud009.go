package audit

import (
	"strings"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

// baseNameKey is the OCI annotation (or label) naming the base image.
const baseNameKey = "org.opencontainers.image.base.name"

var aud009 = Rule{
	ID: "AUD009", Version: 1, Severity: finding.SeverityMedium,
	Title: "Base image unknown or from a registry outside the allowed list",
	Help: "The `org.opencontainers.image.base.name` annotation (or label) says which image this one was built " +
		"FROM. When allowed registries are configured, the base must come from one of them; when the annotation " +
		"is missing the base cannot be judged (BuildKit writes it with `--annotation` or the `oci-mediatypes` " +
		"exporter options). Runs only when allowed registries are given.",
	Enabled: func(o *Options) bool { return len(o.AllowedRegistries) > 0 },
	Check: func(img *Image, o *Options, emit Emit) {
		base := img.Annotations[baseNameKey]
		if base == "" {
			base = img.Config.Config.Labels[baseNameKey]
		}
		if base == "" {
			emit("the base image is unknown: no "+baseNameKey+" annotation or label", finding.Location{}, configField("Labels"))
			return
		}
		if !manifest.RegistryAllowed(base, o.AllowedRegistries) {
			emit("the base image "+base+" is not from an allowed registry ("+strings.Join(o.AllowedRegistries, ", ")+")",
				finding.Location{}, configField(baseNameKey))
		}
	},
}
