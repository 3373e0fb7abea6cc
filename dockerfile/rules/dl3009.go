package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3009: apt-get lists are left in the image after an update
var dl3009 = dockerfile.Rule{
	ID:       "DL3009",
	Version:  1,
	Title:    "apt-get lists are left in the image after an update.",
	Upstream: "info",
	Severity: finding.SeverityLow,
	Why:      "`apt-get update` downloads package lists (tens of MB) into /var/lib/apt/lists. Unless they are removed in the same RUN they stay in the layer of the final image forever. Builder stages that are not part of the final image are not reported.",
	Bad: `FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10`,
	Good: `FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10 \
 && rm -rf /var/lib/apt/lists/*`,
	Check: checkDL3009,
}

func checkDL3009(p *dockerfile.Pass) {
	for _, in := range runs(p.File) {
		if in.Stage >= 0 && !p.File.InFinalImage(in.Stage) {
			continue
		}
		if len(in.Shell.Find("apt-get", "update")) == 0 || removes(in.Shell, "/var/lib/apt/lists") || len(in.Shell.Find("apt-get", "dist-clean")) > 0 ||
			hasCacheMount(in, "/var/lib/apt/lists", "/var/lib/apt") {
			continue
		}
		p.Report(in, "delete the apt-get lists after installing something (rm -rf /var/lib/apt/lists/*)")
	}
}
