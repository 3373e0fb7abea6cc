package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3006: The base image has no explicit tag
var dl3006 = dockerfile.Rule{
	ID:       "DL3006",
	Version:  1,
	Title:    "The base image has no explicit tag.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "An untagged base image means :latest, which changes whenever the publisher pushes; the same Dockerfile then builds different images on different days.",
	Bad:      "FROM debian",
	Good:     "FROM debian:12.5",
	Check:    checkDL3006,
}

func checkDL3006(p *dockerfile.Pass) {
	for _, s := range p.File.Stages {
		img, ok := baseImage(p.File, s)
		if !ok {
			continue
		}
		if r := parseImage(img); r.Tag == "" && r.Digest == "" {
			p.Report(s.From, "image %s has no tag: tag the version explicitly", imageLabel(s))
		}
	}
}
