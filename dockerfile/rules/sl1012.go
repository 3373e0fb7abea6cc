package rules

import (
	"slices"
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// SL1012: A package manager cache is left in the final image
var sl1012 = dockerfile.Rule{
	ID:       "SL1012",
	Version:  1,
	Title:    "A package manager cache is left in the final image.",
	Severity: finding.SeverityLow,
	Why:      "Package managers keep downloaded indexes and packages (apt lists, apk index, yum/dnf/zypper caches, ~/.cache/pip, ~/.npm) that the running application never uses. Left in a layer of the final image they add size to every pull and give a scanner nothing but noise. Clean them in the same RUN, or use a build cache mount. Unlike the per-manager DL rules (DL3009, DL3019, DL3032, DL3036, DL3040, DL3042), this rule reports only stages that end up in the final image, and also covers npm.",
	Bad: `FROM node:20.14
RUN npm ci`,
	Good: `FROM node:20.14
RUN --mount=type=cache,target=/root/.npm npm ci`,
	Check: checkSL1012,
}

func checkSL1012(p *dockerfile.Pass) {
	envLines := pipEnvLines(p.File)
	for _, in := range runs(p.File) {
		if in.Stage >= 0 && !p.File.InFinalImage(in.Stage) {
			continue
		}
		if left := cachesLeft(envLines, in); len(left) > 0 {
			p.Report(in, "package cache left in the final image: %s", strings.Join(left, ", "))
		}
	}
}

// cachesLeft returns the package managers whose cache a RUN leaves behind.
func cachesLeft(pipEnv []int, in *dockerfile.Instruction) []string {
	s := in.Shell
	var left []string
	has := func(name string, sub ...string) bool { return len(s.Find(name, sub...)) > 0 }
	if has("apt-get", "update") && !removes(s, "/var/lib/apt/lists") && !has("apt-get", "dist-clean") && !hasCacheMount(in, "/var/lib/apt") {
		left = append(left, "apt (/var/lib/apt/lists)")
	}
	if s.Any(func(c *dockerfile.Command) bool {
		_, ok := apkAdd(c)
		return ok && !c.HasFlag("no-cache", "no-network")
	}) && !removes(s, "/var/cache/apk") && !hasCacheMount(in, "/var/cache/apk", "/etc/apk/cache") {
		left = append(left, "apk (/var/cache/apk)")
	}
	for _, m := range []struct{ prog, dir string }{{"yum", "/var/cache/yum"}, {"dnf", "/var/cache/dnf"}, {"microdnf", "/var/cache/yum"}, {"zypper", "/var/cache/zypp"}} {
		install := s.Any(func(c *dockerfile.Command) bool {
			return c.Is(m.prog) && (c.Subcommand() == "install" || c.Subcommand() == "in")
		})
		clean := has(m.prog, "clean", "cc") || removes(s, m.dir) || hasCacheMount(in, m.dir)
		if install && !clean {
			left = append(left, m.prog+" ("+m.dir+")")
		}
	}
	if s.Any(func(c *dockerfile.Command) bool {
		_, ok := pipInstall(c)
		return ok && !c.HasFlag("no-cache-dir") && !slices.ContainsFunc(c.Assigns, isPipNoCacheAssign)
	}) && !pipCacheOff(pipEnv, in) && !hasCacheMount(in, "/root/.cache") && !removes(s, "/root/.cache") {
		left = append(left, "pip (~/.cache/pip)")
	}
	if s.Any(func(c *dockerfile.Command) bool {
		return c.Is("npm") && slices.Contains([]string{"install", "i", "ci", "add"}, c.Subcommand()) && !c.HasFlag("cache")
	}) && !s.Any(func(c *dockerfile.Command) bool { return c.Is("npm") && c.HasArg("cache") && c.HasArg("clean") }) &&
		!removes(s, "/root/.npm") && !removes(s, "~/.npm") && !removes(s, "$HOME/.npm") && !hasCacheMount(in, "/root/.npm") {
		left = append(left, "npm (~/.npm)")
	}
	return left
}
