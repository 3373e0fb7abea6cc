package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3065: FROM --platform repeats the default $TARGETPLATFORM
var dl3065 = dockerfile.Rule{
	ID:       "DL3065",
	Version:  1,
	Title:    "FROM --platform repeats the default $TARGETPLATFORM.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "FROM already builds for $TARGETPLATFORM; writing it out adds noise and suggests something special happens.",
	Bad:      "FROM --platform=$TARGETPLATFORM debian:12",
	Good:     "FROM debian:12",
	Check:    checkDL3065,
}

func checkDL3065(p *dockerfile.Pass) {
	for _, s := range p.File.Stages {
		if s.Platform == "$TARGETPLATFORM" || s.Platform == "${TARGETPLATFORM}" {
			p.Report(s.From, "--platform=%s is the default", s.Platform)
		}
	}
}
