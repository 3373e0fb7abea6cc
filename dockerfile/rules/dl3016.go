package rules

import (
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3016: npm install without pinned package versions
var dl3016 = dockerfile.Rule{
	ID:       "DL3016",
	Version:  1,
	Title:    "npm install without pinned package versions.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "`npm install -g pkg` resolves the newest release at build time; builds stop being reproducible and can pull a compromised release. Pin `pkg@version`.",
	Bad: `FROM node:20
RUN npm install -g typescript`,
	Good: `FROM node:20
RUN npm install -g typescript@5.4.5`,
	Check: checkDL3016,
}

func checkDL3016(p *dockerfile.Pass) {
	eachRun(p, func(_ *dockerfile.Instruction, c *dockerfile.Command) bool {
		if !c.Is("npm") {
			return false
		}
		words := c.Words("prefix", "registry", "cache", "w", "workspace", "userconfig", "loglevel", "omit", "include", "install-strategy")
		if len(words) == 0 || (words[0] != "install" && words[0] != "i" && words[0] != "add" && words[0] != "isntall") {
			return false
		}
		for _, pkg := range words[1:] {
			if !npmPinned(pkg) {
				return true
			}
		}
		return false
	}, "pin versions in npm install (pkg@version)")
}

func npmPinned(pkg string) bool {
	for _, p := range []string{"git://", "git+ssh://", "git+http://", "git+https://"} {
		if strings.HasPrefix(pkg, p) {
			return strings.Contains(pkg, "#") // a commit or semver range
		}
	}
	for _, p := range []string{"/", "./", "../", "~/", "$"} {
		if strings.HasPrefix(pkg, p) {
			return true // a folder, or a variable we cannot see
		}
	}
	if strings.HasSuffix(pkg, ".tar") || strings.HasSuffix(pkg, ".tgz") || strings.HasSuffix(pkg, ".tar.gz") || strings.Contains(pkg, "$") {
		return true
	}
	if strings.HasPrefix(pkg, "@") { // @scope/name@version
		_, name, _ := strings.Cut(pkg, "/")
		return strings.Contains(name, "@")
	}
	return strings.Contains(pkg, "@")
}
