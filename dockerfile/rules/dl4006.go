package rules

import (
	"slices"
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL4006: RUN with a pipe runs without pipefail
var dl4006 = dockerfile.Rule{
	ID:       "DL4006",
	Version:  1,
	Title:    "RUN with a pipe runs without pipefail.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "/bin/sh returns the status of the last command of a pipeline, so `curl \u2026 | tar x` succeeds even when the download failed and the build goes on with a broken layer. Set `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` (or `set -o pipefail` in the RUN).",
	Bad: `FROM debian:12
RUN curl -fsSL https://a/x.tgz | tar -xz`,
	Good: `FROM debian:12
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://a/x.tgz | tar -xz`,
	Check: checkDL4006,
}

func checkDL4006(p *dockerfile.Pass) {
	for _, s := range p.File.Stages {
		pipefail := false
		for _, in := range s.Instructions {
			if in.Cmd == "shell" {
				pipefail = slices.Contains(in.Args, "pipefail") || !posixShellArgs(in.Args)
				continue
			}
			if in.Cmd != "run" || in.Shell == nil || pipefail || !in.Shell.HasPipe() {
				continue
			}
			if !setsPipefail(in.Shell) {
				p.Report(in, "RUN with a pipe: set the pipefail option first (SHELL with -o pipefail, or set -o pipefail)")
			}
		}
	}
}

func posixShellArgs(args []string) bool {
	if len(args) == 0 {
		return true
	}
	b := strings.ToLower(args[0])
	return !strings.Contains(b, "powershell") && !strings.Contains(b, "pwsh") && !strings.HasSuffix(b, "cmd") && !strings.HasSuffix(b, "cmd.exe")
}

// setsPipefail reports whether the script itself runs `set -o pipefail`.
func setsPipefail(s *dockerfile.Script) bool {
	return s.Any(func(c *dockerfile.Command) bool {
		return c.Is("set") && c.HasArg("pipefail")
	})
}
