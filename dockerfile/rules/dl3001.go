package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3001: RUN uses a command that is pointless in an image build (ssh, vim, shutdown, service, ps, free, top, kill, mount, ifconfig)
var dl3001 = dockerfile.Rule{
	ID:       "DL3001",
	Version:  1,
	Title:    "RUN uses a command that is pointless in an image build (ssh, vim, shutdown, service, ps, free, top, kill, mount, ifconfig).",
	Upstream: "info",
	Severity: finding.SeverityLow,
	Why:      "Interactive tools and process or system managers do nothing useful while an image is built: there is no terminal, no init system and no running service. Their presence usually means a command was copied from a host setup script.",
	Bad: `FROM debian:12
RUN service nginx start`,
	Good: `FROM debian:12
CMD ["nginx", "-g", "daemon off;"]`,
	Check: checkDL3001,
}

func checkDL3001(p *dockerfile.Pass) {
	eachRun(p, func(_ *dockerfile.Instruction, c *dockerfile.Command) bool {
		return c.Is("ssh", "vim", "shutdown", "service", "ps", "free", "top", "kill", "mount", "ifconfig")
	}, "command makes no sense in a container build (ssh, vim, shutdown, service, ps, free, top, kill, mount, ifconfig)")
}
