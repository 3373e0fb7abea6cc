package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL4005: /bin/sh is replaced instead of using SHELL
var dl4005 = dockerfile.Rule{
	ID:       "DL4005",
	Version:  1,
	Title:    "/bin/sh is replaced instead of using SHELL.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "Replacing /bin/sh with a symlink changes the shell for every later RUN and for the base image's own scripts, invisibly. The SHELL instruction changes it for this Dockerfile, explicitly.",
	Bad: `FROM debian:12
RUN ln -sf /bin/bash /bin/sh`,
	Good: `FROM debian:12
SHELL ["/bin/bash", "-c"]`,
	Check: checkDL4005,
}

func checkDL4005(p *dockerfile.Pass) {
	eachRun(p, func(_ *dockerfile.Instruction, c *dockerfile.Command) bool {
		w := c.Words()
		return c.Is("ln") && len(w) > 0 && w[len(w)-1] == "/bin/sh"
	}, "use SHELL to change the default shell instead of replacing /bin/sh")
}
