package rules

import (
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3028: gem install without pinned gem versions
var dl3028 = dockerfile.Rule{
	ID:       "DL3028",
	Version:  1,
	Title:    "gem install without pinned gem versions.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "`gem install name` takes the newest release at build time. Pin `name:version` or `-v version` so builds are reproducible.",
	Bad: `FROM ruby:3.3
RUN gem install bundler`,
	Good: `FROM ruby:3.3
RUN gem install bundler:2.5.10`,
	Check: checkDL3028,
}

func checkDL3028(p *dockerfile.Pass) {
	eachRun(p, func(_ *dockerfile.Instruction, c *dockerfile.Command) bool {
		pkgs, ok := installArgs(c, "gem", []string{"install", "i"}, "v", "version", "source", "s", "i", "install-dir", "n", "bindir", "platform", "document")
		if !ok || c.HasFlag("v", "version") {
			return false
		}
		for _, g := range pkgs {
			if !strings.ContainsAny(g, ":$") && !strings.HasSuffix(g, ".gem") {
				return true
			}
		}
		return false
	}, "pin versions in gem install (gem:version)")
}
