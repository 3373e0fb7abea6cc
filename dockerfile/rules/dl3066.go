package rules

import (
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3066: USER names a user instead of a numeric ID
var dl3066 = dockerfile.Rule{
	ID:       "DL3066",
	Version:  1,
	Title:    "USER names a user instead of a numeric ID.",
	Upstream: "info",
	Severity: finding.SeverityLow,
	Why:      "Orchestrators that enforce non-root (Kubernetes runAsNonRoot) can only verify a numeric UID; a user name is resolved inside the image and may not exist on the host side. Use USER 10001 (or 10001:10001).",
	Bad: `FROM debian:12
USER app`,
	Good: `FROM debian:12
USER 10001:10001`,
	Check: checkDL3066,
}

func checkDL3066(p *dockerfile.Pass) {
	for _, in := range p.File.Instructions {
		if in.Cmd != "user" || len(in.Args) == 0 {
			continue
		}
		u, _, _ := strings.Cut(p.File.Expand(in, in.Args[0]), ":")
		if u == "" || strings.Contains(u, "$") {
			continue
		}
		if _, err := strconv.Atoi(u); err != nil && !windowsStage(p.File, in) {
			p.Report(in, "USER %s is not numeric", in.Args[0])
		}
	}
}

// windowsStage reports whether an instruction's stage builds on a Windows
// base image, where users have names and no numeric IDs.
func windowsStage(f *dockerfile.File, in *dockerfile.Instruction) bool {
	if in.Stage < 0 || in.Stage >= len(f.Stages) {
		return false
	}
	for s := f.Stages[in.Stage]; s != nil; s = f.BaseStage(s) {
		img := strings.ToLower(s.ImageExpanded)
		if strings.Contains(img, "windows") || strings.Contains(img, "nanoserver") || strings.Contains(img, "servercore") {
			return true
		}
		if s.Index == 0 {
			break
		}
	}
	return false
}
