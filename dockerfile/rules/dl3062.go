package rules

import (
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3062: go install without a pinned module version
var dl3062 = dockerfile.Rule{
	ID:       "DL3062",
	Version:  1,
	Title:    "go install without a pinned module version.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "`go install pkg` outside a module, or with @latest, installs whatever is newest; pin `pkg@vX.Y.Z` so builds are reproducible.",
	Bad: `FROM golang:1.22
RUN go install golang.org/x/tools/gopls@latest`,
	Good: `FROM golang:1.22
RUN go install golang.org/x/tools/gopls@v0.15.3`,
	Check: checkDL3062,
}

func checkDL3062(p *dockerfile.Pass) {
	eachRun(p, func(_ *dockerfile.Instruction, c *dockerfile.Command) bool {
		if !c.Is("go") {
			return false
		}
		words := c.Words("C", "o", "tags", "ldflags", "gcflags", "p", "mod", "modfile", "overlay", "pgo", "toolexec", "exec", "pkgdir", "asmflags", "buildmode", "compiler", "gccgoflags", "installsuffix")
		if len(words) == 0 || words[0] != "install" {
			return false
		}
		for _, pkg := range words[1:] {
			if strings.HasPrefix(pkg, ".") || strings.HasPrefix(pkg, "/") || strings.Contains(pkg, "$") {
				continue
			}
			at := strings.LastIndex(pkg, "@")
			if at < 0 || pkg[at+1:] == "latest" || pkg[at+1:] == "master" || pkg[at+1:] == "main" {
				return true
			}
		}
		return false
	}, "pin versions in go install (pkg@version)")
}
