package rules

import (
	"slices"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3040: dnf caches are not cleaned after dnf installs
var dl3040 = dockerfile.Rule{
	ID:       "DL3040",
	Version:  1,
	Title:    "dnf caches are not cleaned after dnf installs.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "dnf keeps downloaded packages and metadata in its cache directory; unless the cache is cleaned in the same RUN (or mounted as a build cache) it is shipped in the layer forever.",
	Bad: `FROM fedora:40
RUN dnf install -y httpd-2.4.59`,
	Good: `FROM fedora:40
RUN dnf install -y httpd-2.4.59 && dnf clean all`,
	Check: checkDL3040,
}

func checkDL3040(p *dockerfile.Pass) {
	for _, in := range runs(p.File) {
		if hasCacheMount(in, "/var/cache/dnf", "/var/cache/yum") {
			continue
		}
		installs, cleaned := false, removes(in.Shell, "/var/cache/dnf") || removes(in.Shell, "/var/cache/yum")
		for _, c := range in.Shell.Commands {
			if c.Is("dnf", "microdnf") && slices.Contains([]string{"install", "groupinstall", "localinstall", "reinstall", "module", "upgrade", "update"}, c.Subcommand()) {
				installs = true
			}
			if c.Has("dnf", "clean") || c.Has("microdnf", "clean") {
				cleaned = true
			}
		}
		if installs && !cleaned {
			p.Report(in, "dnf clean all missing after dnf command.")
		}
	}
}
