package rules

import (
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3025: CMD or ENTRYPOINT uses the shell form instead of JSON
var dl3025 = dockerfile.Rule{
	ID:       "DL3025",
	Version:  1,
	Title:    "CMD or ENTRYPOINT uses the shell form instead of JSON.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "The shell form runs the command under /bin/sh -c, so the process is not PID 1 and does not receive SIGTERM: containers stop only after the kill timeout. The JSON (exec) form runs it directly.",
	Bad: `FROM node:20
CMD node server.js`,
	Good: `FROM node:20
CMD ["node", "server.js"]`,
	Check: checkDL3025,
}

func checkDL3025(p *dockerfile.Pass) {
	for _, in := range p.File.Instructions {
		if (in.Cmd == "cmd" || in.Cmd == "entrypoint") && !in.JSON && len(in.Args) > 0 {
			p.Report(in, "use JSON notation for %s", strings.ToUpper(in.Cmd))
		}
	}
}
