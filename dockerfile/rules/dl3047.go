package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3047: wget runs without a progress or quiet option
var dl3047 = dockerfile.Rule{
	ID:       "DL3047",
	Version:  1,
	Title:    "wget runs without a progress or quiet option.",
	Upstream: "info",
	Severity: finding.SeverityLow,
	Why:      "wget prints a progress line per chunk when not on a terminal, so a large download fills the build log with thousands of lines. Use --progress=dot:giga, -q or -nv.",
	Bad: `FROM debian:12
RUN wget https://example.com/big.tar.gz`,
	Good: `FROM debian:12
RUN wget --progress=dot:giga https://example.com/big.tar.gz`,
	Check: checkDL3047,
}

func checkDL3047(p *dockerfile.Pass) {
	eachRun(p, func(_ *dockerfile.Instruction, c *dockerfile.Command) bool {
		return c.Is("wget") && !c.HasFlag("progress", "q", "quiet", "nv", "-nv", "no-verbose", "o", "output-file", "a", "append-output")
	}, "use wget --progress=dot:giga (or -q, -nv)")
}
