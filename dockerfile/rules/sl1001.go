package rules

import (
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// SL1001: The final stage never sets USER, so the container runs as root
var sl1001 = dockerfile.Rule{
	ID:       "SL1001",
	Version:  1,
	Title:    "The final stage never sets USER, so the container runs as root.",
	Severity: finding.SeverityMedium,
	Why:      "Without a USER instruction in the final stage (or a stage it is built from) the container runs as the base image's user, which is root for almost every base image. A compromise of the application is then a compromise as root inside the container, one kernel bug away from the host. hadolint only checks that the last USER is not root (DL3002) and is silent when there is no USER at all. Images built on a base that already runs as non-root (a :nonroot tag) are not reported.",
	Bad: `FROM node:20.14
COPY . /app
CMD ["node", "/app/server.js"]`,
	Good: `FROM node:20.14
COPY . /app
USER 1000:1000
CMD ["node", "/app/server.js"]`,
	Check: checkSL1001,
}

func checkSL1001(p *dockerfile.Pass) {
	chain := finalChain(p.File)
	if len(chain) == 0 {
		return
	}
	for _, s := range chain {
		for _, in := range s.Instructions {
			if in.Cmd == "user" {
				return
			}
		}
	}
	root := chain[len(chain)-1]
	img := strings.ToLower(root.ImageExpanded)
	if strings.Contains(img, "nonroot") || strings.Contains(img, "windows") || strings.Contains(img, "nanoserver") || strings.Contains(img, "servercore") {
		return
	}
	final := chain[0]
	p.Report(final.From, "no USER in the final stage: the container runs as the base image's user (root by default)")
}
