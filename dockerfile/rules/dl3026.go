package rules

import (
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3026: The base image comes from a registry that is not trusted
var dl3026 = dockerfile.Rule{
	ID:       "DL3026",
	Version:  1,
	Title:    "The base image comes from a registry that is not trusted.",
	Upstream: "error",
	Severity: finding.SeverityHigh,
	Why:      "When an organisation only trusts images from certain registries (a mirror that scans and signs them), a FROM that pulls from elsewhere bypasses that control. Configure trustedRegistries (or --trusted-registry) to enable the check.",
	Bad: `# trustedRegistries: [registry.example.com]
FROM docker.io/library/debian:12`,
	Good:  "FROM registry.example.com/library/debian:12",
	Check: checkDL3026,
}

func checkDL3026(p *dockerfile.Pass) {
	if len(p.Opts.TrustedRegistries) == 0 {
		return
	}
	for _, s := range p.File.Stages {
		img, ok := baseImage(p.File, s)
		if !ok {
			continue
		}
		if r := parseImage(img); !registryAllowed(r.Registry, p.Opts.TrustedRegistries) {
			reg := r.Registry
			if reg == "" {
				reg = "docker.io"
			}
			p.Report(s.From, "image %s is from %s, not a trusted registry", imageLabel(s), reg)
		}
	}
}
