package rules

import (
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// SL1008: An SSH server is installed or port 22 is exposed
var sl1008 = dockerfile.Rule{
	ID:       "SL1008",
	Version:  1,
	Title:    "An SSH server is installed or port 22 is exposed.",
	Severity: finding.SeverityMedium,
	Why:      "An SSH daemon in a container is a second way in, with its own keys and passwords to leak and its own vulnerabilities, and it bypasses the orchestrator's access control and audit. Use `docker exec` / `kubectl exec` (or an ephemeral debug container) instead of running sshd.",
	Bad: `FROM debian:12
RUN apt-get install -y --no-install-recommends openssh-server=1:9.2p1-2
EXPOSE 22`,
	Good: `FROM debian:12
RUN apt-get install -y --no-install-recommends openssh-client=1:9.2p1-2`,
	Check: checkSL1008,
}

func checkSL1008(p *dockerfile.Pass) {
	for _, in := range p.File.Instructions {
		if in.Cmd == "expose" {
			for _, a := range in.Args {
				port, proto, _ := strings.Cut(p.File.Expand(in, a), "/")
				if port == "22" && (proto == "" || proto == "tcp") {
					p.Report(in, "EXPOSE 22: an SSH server in the container")
				}
			}
		}
	}
	for _, in := range runs(p.File) {
		for _, c := range in.Shell.Commands {
			if pkg := installsPackage(c, "openssh-server", "openssh", "dropbear", "openssh-server-pam"); pkg != "" {
				p.Report(in, "installs %s: an SSH server in the container", pkg)
				break
			}
			if c.Is("sshd") {
				p.Report(in, "runs sshd in the build")
				break
			}
		}
	}
}

// installsPackage returns the first of names a package manager command
// installs (versions and architecture suffixes ignored), or "".
func installsPackage(c *dockerfile.Command, names ...string) string {
	var pkgs []string
	switch {
	case c.Is("apt-get", "apt"):
		if ps, ok := aptInstall(c); ok {
			pkgs = ps
		} else if c.Is("apt") && c.Subcommand() == "install" {
			pkgs = c.Words()[1:]
		}
	case c.Is("apk"):
		pkgs, _ = apkAdd(c)
	case c.Is("yum", "dnf", "microdnf", "zypper"):
		if w := c.Words(); len(w) > 0 && (w[0] == "install" || w[0] == "in") {
			pkgs = w[1:]
		}
	}
	for _, p := range pkgs {
		name := p
		if i := strings.IndexAny(name, "=<>:"); i >= 0 {
			name = name[:i]
		}
		for _, n := range names {
			if name == n {
				return n
			}
		}
	}
	return ""
}
