package rules

import (
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3018: apk add without pinned package versions
var dl3018 = dockerfile.Rule{
	ID:       "DL3018",
	Version:  1,
	Title:    "apk add without pinned package versions.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "`apk add pkg` installs whatever the Alpine mirror has at build time; builds stop being reproducible. Pin `pkg=version`.",
	Bad: `FROM alpine:3.20
RUN apk add --no-cache curl`,
	Good: `FROM alpine:3.20
RUN apk add --no-cache curl=8.9.1-r1`,
	Check: checkDL3018,
}

func checkDL3018(p *dockerfile.Pass) {
	eachRun(p, func(_ *dockerfile.Instruction, c *dockerfile.Command) bool {
		pkgs, ok := apkAdd(c)
		if !ok {
			return false
		}
		for _, pkg := range pkgs {
			if !strings.ContainsAny(pkg, "=<>~$") && !strings.HasSuffix(pkg, ".apk") {
				return true
			}
		}
		return false
	}, "pin versions in apk add (pkg=version)")
}

// apkAdd returns the packages of `apk add` (the --virtual name excluded).
func apkAdd(c *dockerfile.Command) ([]string, bool) {
	return installArgs(c, "apk", []string{"add"}, "t", "virtual", "X", "repository", "p", "root", "arch", "cache-dir", "keys-dir", "repositories-file")
}
