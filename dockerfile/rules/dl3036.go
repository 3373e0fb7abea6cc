package rules

import (
	"slices"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3036: zypper caches are not cleaned after zypper installs
var dl3036 = dockerfile.Rule{
	ID:       "DL3036",
	Version:  1,
	Title:    "zypper caches are not cleaned after zypper installs.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "zypper keeps downloaded packages and metadata in its cache directory; unless the cache is cleaned in the same RUN (or mounted as a build cache) it is shipped in the layer forever.",
	Bad: `FROM opensuse/leap:15.6
RUN zypper install -y curl=8.0`,
	Good: `FROM opensuse/leap:15.6
RUN zypper install -y curl=8.0 && zypper clean`,
	Check: checkDL3036,
}

func checkDL3036(p *dockerfile.Pass) {
	for _, in := range runs(p.File) {
		if hasCacheMount(in, "/var/cache/zypp") {
			continue
		}
		installs, cleaned := false, removes(in.Shell, "/var/cache/zypp")
		for _, c := range in.Shell.Commands {
			if c.Is("zypper") && slices.Contains([]string{"install", "in", "source-install", "si", "patch", "update", "up", "dist-upgrade", "dup"}, c.Subcommand()) {
				installs = true
			}
			if c.Has("zypper", "clean", "cc") {
				cleaned = true
			}
		}
		if installs && !cleaned {
			p.Report(in, "zypper clean missing after zypper use.")
		}
	}
}
