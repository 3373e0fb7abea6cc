package rules

import (
	"slices"
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3013: pip install without pinned package versions
var dl3013 = dockerfile.Rule{
	ID:       "DL3013",
	Version:  1,
	Title:    "pip install without pinned package versions.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "`pip install pkg` takes whatever PyPI serves at build time, so two builds of the same Dockerfile can ship different code. Pin with `pkg==version` or install from a pinned requirements or constraints file.",
	Bad: `FROM python:3.12
RUN pip install --no-cache-dir flask`,
	Good: `FROM python:3.12
RUN pip install --no-cache-dir flask==3.0.3`,
	Check: checkDL3013,
}

func checkDL3013(p *dockerfile.Pass) {
	eachRun(p, func(_ *dockerfile.Instruction, c *dockerfile.Command) bool {
		pkgs, ok := pipInstall(c)
		// As hadolint does, installs from a requirements or constraints
		// file, or of the local project, are left alone.
		if !ok || c.HasFlag("r", "requirement", "c", "constraint") || c.HasArg(".") {
			return false
		}
		for _, pkg := range pkgs {
			if !pipPinned(pkg) {
				return true
			}
		}
		return false
	}, "pin versions in pip install (pkg==version)")
}

// pipInstall returns the requirement arguments of `pip install` (also
// pip3, python -m pip); requirement and constraint files are not listed.
func pipInstall(c *dockerfile.Command) ([]string, bool) {
	args := c.Args
	switch {
	case c.Is("pip", "pip3") || strings.HasPrefix(c.Prog(), "pip3."):
	case c.Is("python", "python3") || strings.HasPrefix(c.Prog(), "python3."):
		i := slices.Index(args, "-m")
		if i < 0 || i+1 >= len(args) || !strings.HasPrefix(args[i+1], "pip") {
			return nil, false
		}
		args = args[i+2:]
	default:
		return nil, false
	}
	sub := &dockerfile.Command{Name: "pip", Args: args}
	words := sub.Words("r", "requirement", "c", "constraint", "e", "editable", "i", "index-url", "extra-index-url",
		"f", "find-links", "t", "target", "prefix", "root", "trusted-host", "platform", "python-version",
		"implementation", "abi", "src", "upgrade-strategy", "progress-bar", "cache-dir", "no-binary", "only-binary",
		"log", "proxy", "retries", "timeout", "exists-action", "cert", "client-cert", "global-option", "config-settings")
	if len(words) == 0 || words[0] != "install" {
		return nil, false
	}
	return words[1:], true
}

func pipPinned(pkg string) bool {
	if strings.ContainsAny(pkg, "=<>~@/$") || strings.HasPrefix(pkg, ".") {
		return true
	}
	l := strings.ToLower(pkg)
	return strings.HasSuffix(l, ".whl") || strings.HasSuffix(l, ".tar.gz") || strings.HasSuffix(l, ".zip")
}
