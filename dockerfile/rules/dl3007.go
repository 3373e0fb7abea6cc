package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3007: The base image uses the latest tag
var dl3007 = dockerfile.Rule{
	ID:       "DL3007",
	Version:  1,
	Title:    "The base image uses the latest tag.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "`:latest` moves with every release of the base image, so rebuilds pick up unreviewed changes and cannot be reproduced. Pin a release tag (and ideally a digest).",
	Bad:      "FROM debian:latest",
	Good:     "FROM debian:12.5",
	Check:    checkDL3007,
}

func checkDL3007(p *dockerfile.Pass) {
	for _, s := range p.File.Stages {
		img, ok := baseImage(p.File, s)
		if !ok {
			continue
		}
		if r := parseImage(img); r.Tag == "latest" && r.Digest == "" {
			p.Report(s.From, "image %s uses the latest tag: pin a release tag", imageLabel(s))
		}
	}
}
