package rules

import (
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// SL1004: A script downloaded with curl or wget is piped straight into a shell
var sl1004 = dockerfile.Rule{
	ID:       "SL1004",
	Version:  1,
	Title:    "A script downloaded with curl or wget is piped straight into a shell.",
	Severity: finding.SeverityHigh,
	Why:      "`curl \u2026 | sh` runs whatever the server (or anyone between it and the build) returns at that moment, with the build's privileges, with no checksum or signature and no record of what ran. A compromised or hijacked download host compromises every image built from then on. Download to a file, verify its checksum or signature, then run it.",
	Bad: `FROM debian:12
RUN curl -fsSL https://get.example.com/install.sh | sh`,
	Good: `FROM debian:12
RUN curl -fsSLo /tmp/install.sh https://get.example.com/install.sh \
 && echo "3b0c7e0c1b2a...  /tmp/install.sh" | sha256sum -c - \
 && sh /tmp/install.sh`,
	Check: checkSL1004,
}

func checkSL1004(p *dockerfile.Pass) {
	for _, in := range runs(p.File) {
		for _, c := range in.Shell.Commands {
			if c.Is("curl", "wget") && c.PipeOut && pipesToShell(in.Shell, c) {
				p.Report(in, "%s output is piped into a shell: download, verify, then run", c.Prog())
				break
			}
			if isShellProg(c) && substDownload(c) {
				p.Report(in, "%s runs a script fetched by curl/wget: download, verify, then run", c.Prog())
				break
			}
		}
	}
}

func isShellProg(c *dockerfile.Command) bool {
	if c.Is("sh", "bash", "dash", "ash", "zsh", "ksh", "perl", "ruby", "node") {
		return true
	}
	p := c.Prog()
	return strings.HasPrefix(p, "python")
}

// pipesToShell reports whether the pipeline after c runs an interpreter
// (directly or through sudo/env).
func pipesToShell(s *dockerfile.Script, c *dockerfile.Command) bool {
	for _, t := range s.PipeTargets(c) {
		if isShellProg(t) {
			return true
		}
		if t.Is("sudo", "env") {
			for _, a := range t.Words() {
				if isShellProg(&dockerfile.Command{Name: a}) {
					return true
				}
			}
		}
	}
	return false
}

// substDownload reports `sh -c "$(curl …)"` and `bash <(curl …)`.
func substDownload(c *dockerfile.Command) bool {
	for _, a := range c.Args {
		for _, pre := range []string{"$(curl", "$(wget", "`curl", "`wget", "<(curl", "<(wget"} {
			if strings.Contains(a, pre) {
				return true
			}
		}
	}
	return false
}
