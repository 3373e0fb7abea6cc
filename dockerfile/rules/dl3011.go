package rules

import (
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3011: EXPOSE uses a port outside 0-65535
var dl3011 = dockerfile.Rule{
	ID:       "DL3011",
	Version:  1,
	Title:    "EXPOSE uses a port outside 0-65535.",
	Upstream: "error",
	Severity: finding.SeverityHigh,
	Why:      "EXPOSE with a port outside 0-65535 is meaningless metadata and usually a typo.",
	Bad: `FROM nginx:1.27
EXPOSE 80000`,
	Good: `FROM nginx:1.27
EXPOSE 8080`,
	Check: checkDL3011,
}

func checkDL3011(p *dockerfile.Pass) {
	for _, in := range p.File.Instructions {
		if in.Cmd != "expose" {
			continue
		}
		for _, a := range in.Args {
			port, _, _ := strings.Cut(p.File.Expand(in, a), "/")
			for _, part := range strings.SplitN(port, "-", 2) {
				n, err := strconv.Atoi(part)
				if err == nil && (n < 0 || n > 65535) {
					p.Report(in, "port %s is outside 0-65535", a)
				}
			}
		}
	}
}
