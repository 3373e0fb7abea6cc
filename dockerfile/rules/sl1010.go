package rules

import (
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// SL1010: sudo is installed, or sudoers grants passwordless root
var sl1010 = dockerfile.Rule{
	ID:       "SL1010",
	Version:  1,
	Title:    "sudo is installed, or sudoers grants passwordless root.",
	Severity: finding.SeverityMedium,
	Why:      "sudo in an image is a privilege escalation path waiting to be used: any process running as the configured user can become root, and NOPASSWD rules remove even the password step. Containers should run the few steps that need root in the build (USER root) and drop to an unprivileged user for good. DL3004 reports using sudo in RUN; this rule reports making it available in the image.",
	Bad: `FROM debian:12
RUN apt-get install -y --no-install-recommends sudo=1.9.13p3-1 \
 && echo "app ALL=(ALL) NOPASSWD:ALL" >> /etc/sudoers`,
	Good: `FROM debian:12
USER root
RUN ./setup-as-root.sh
USER app`,
	Check: checkSL1010,
}

func checkSL1010(p *dockerfile.Pass) {
	for _, in := range runs(p.File) {
		if in.Shell == nil {
			continue
		}
		text := in.Original
		for _, h := range in.Heredocs {
			text += "\n" + h.Content
		}
		if strings.Contains(text, "NOPASSWD") {
			p.Report(in, "sudoers rule with NOPASSWD gives passwordless root")
			continue
		}
		for _, c := range in.Shell.Commands {
			if installsPackage(c, "sudo") != "" {
				p.Report(in, "installs sudo in the image")
				break
			}
		}
	}
}
