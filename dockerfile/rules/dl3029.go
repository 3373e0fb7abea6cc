package rules

import (
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3029: FROM pins a fixed --platform
var dl3029 = dockerfile.Rule{
	ID:       "DL3029",
	Version:  1,
	Title:    "FROM pins a fixed --platform.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "A fixed --platform makes the Dockerfile build for that platform only, breaking multi-platform builds and silently emulating on other hosts. Use the build-time platform variables ($BUILDPLATFORM, $TARGETPLATFORM) if the stage must be pinned.",
	Bad:      "FROM --platform=linux/amd64 debian:12",
	Good:     "FROM --platform=$BUILDPLATFORM golang:1.22 AS build",
	Check:    checkDL3029,
}

func checkDL3029(p *dockerfile.Pass) {
	for _, s := range p.File.Stages {
		if _, ok := s.From.Flag("platform"); ok && !strings.Contains(s.Platform, "$") {
			p.Report(s.From, "do not pin FROM --platform=%s", s.Platform)
		}
	}
}
