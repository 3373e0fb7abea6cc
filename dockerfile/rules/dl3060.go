package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3060: yarn install without yarn cache clean
var dl3060 = dockerfile.Rule{
	ID:       "DL3060",
	Version:  1,
	Title:    "yarn install without yarn cache clean.",
	Upstream: "info",
	Severity: finding.SeverityLow,
	Why:      "yarn keeps a copy of every package in its global cache; unless it is cleaned in the same RUN (or mounted as a build cache) it is shipped in the layer next to node_modules.",
	Bad: `FROM node:20
RUN yarn install --frozen-lockfile`,
	Good: `FROM node:20
RUN yarn install --frozen-lockfile && yarn cache clean`,
	Check: checkDL3060,
}

func checkDL3060(p *dockerfile.Pass) {
	for _, in := range runs(p.File) {
		if hasCacheMount(in, "/usr/local/share/.cache/yarn", "/root/.cache/yarn", "/root/.yarn") {
			continue
		}
		installs, cleaned := false, false
		for _, c := range in.Shell.Commands {
			if c.Is("yarn") && (c.Subcommand() == "install" || c.Subcommand() == "add") {
				installs = true
			}
			if c.Is("yarn") && c.HasArg("cache") && c.HasArg("clean") {
				cleaned = true
			}
		}
		if installs && !cleaned {
			p.Report(in, "run yarn cache clean after yarn install")
		}
	}
}
