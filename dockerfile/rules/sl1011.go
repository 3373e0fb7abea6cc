package rules

import (
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// SL1011: A setuid or setgid bit is added to a file
var sl1011 = dockerfile.Rule{
	ID:       "SL1011",
	Version:  1,
	Title:    "A setuid or setgid bit is added to a file.",
	Severity: finding.SeverityMedium,
	Why:      "A setuid-root binary runs as root whoever starts it, so any bug in it is a privilege escalation from the container's unprivileged user to root. Images should not add such bits; if a program needs a capability, grant that capability (setcap) or run the step as root at build time.",
	Bad: `FROM debian:12
RUN chmod u+s /usr/local/bin/tool`,
	Good: `FROM debian:12
RUN setcap cap_net_bind_service=+ep /usr/local/bin/tool`,
	Check: checkSL1011,
}

func checkSL1011(p *dockerfile.Pass) {
	for _, in := range p.File.Instructions {
		if mode, ok := in.Flag("chmod"); ok && in.Is("copy", "add") && addsSetID(mode) {
			p.Report(in, "%s --chmod=%s adds a setuid/setgid bit", strings.ToUpper(in.Cmd), mode)
		}
	}
	for _, in := range runs(p.File) {
		for _, c := range in.Shell.Commands {
			if c.Is("mkdir") || c.Is("install") && c.HasFlag("d", "directory") {
				continue // setgid on a directory only sets group inheritance
			}
			if mode := commandMode(c); mode != "" && addsSetID(mode) {
				p.Report(in, "%s adds a setuid/setgid bit (mode %s)", c.Prog(), mode)
				break
			}
		}
	}
}

// addsSetID reports whether a chmod mode sets the setuid or setgid bit.
func addsSetID(mode string) bool {
	if octalMode.MatchString(mode) {
		return len(mode) == 4 && (mode[0]-'0')&6 != 0
	}
	for _, clause := range strings.Split(mode, ",") {
		m := symbolicMode.FindStringSubmatch(clause)
		if m != nil && m[2] != "-" && strings.Contains(m[3], "s") {
			return true
		}
	}
	return false
}
