package rules

import (
	"slices"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3032: yum caches are not cleaned after yum installs
var dl3032 = dockerfile.Rule{
	ID:       "DL3032",
	Version:  1,
	Title:    "yum caches are not cleaned after yum installs.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "yum keeps downloaded packages and metadata in its cache directory; unless the cache is cleaned in the same RUN (or mounted as a build cache) it is shipped in the layer forever.",
	Bad: `FROM centos:7
RUN yum install -y httpd-2.4.6`,
	Good: `FROM centos:7
RUN yum install -y httpd-2.4.6 && yum clean all`,
	Check: checkDL3032,
}

func checkDL3032(p *dockerfile.Pass) {
	for _, in := range runs(p.File) {
		if hasCacheMount(in, "/var/cache/yum") {
			continue
		}
		installs, cleaned := false, removes(in.Shell, "/var/cache/yum")
		for _, c := range in.Shell.Commands {
			if c.Is("yum") && slices.Contains([]string{"install", "groupinstall", "localinstall", "reinstall"}, c.Subcommand()) {
				installs = true
			}
			if c.Has("yum", "clean") {
				cleaned = true
			}
		}
		if installs && !cleaned {
			p.Report(in, "yum clean all missing after yum command.")
		}
	}
}
