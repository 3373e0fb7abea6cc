package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// SL1006: The base image is not pinned by digest
var sl1006 = dockerfile.Rule{
	ID:       "SL1006",
	Version:  1,
	Title:    "The base image is not pinned by digest.",
	Severity: finding.SeverityMedium,
	Strict:   true,
	Why:      "A tag is a movable pointer: the publisher (or whoever controls the registry account) can point it at different content at any time, so the same Dockerfile builds a different image tomorrow and a hijacked tag goes straight into your build. Pinning `image:tag@sha256:\u2026` fixes the exact content and lets a bot propose updates you review. Off by default; enabled with --strict.",
	Bad:      "FROM debian:12.5",
	Good:     "FROM debian:12.5@sha256:c5b1261d6d3e43071626931fc004f70149baeba2c8ec672bd4f27761f8e1ad6b",
	Check:    checkSL1006,
}

func checkSL1006(p *dockerfile.Pass) {
	for _, s := range p.File.Stages {
		img, ok := baseImage(p.File, s)
		if !ok {
			continue
		}
		if parseImage(img).Digest == "" {
			p.Report(s.From, "base image %s is not pinned by digest (@sha256:…)", imageLabel(s))
		}
	}
}
