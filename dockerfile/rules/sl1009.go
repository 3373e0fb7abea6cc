package rules

import (
	"regexp"
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// SL1009: Files or directories are made world-writable (chmod 777, o+w)
var sl1009 = dockerfile.Rule{
	ID:       "SL1009",
	Version:  1,
	Title:    "Files or directories are made world-writable (chmod 777, o+w).",
	Severity: finding.SeverityMedium,
	Why:      "A world-writable file or directory in an image lets any process in the container, under any user, replace binaries, configuration or scripts that a more privileged process later runs: a ready-made privilege escalation. Give ownership to the user that needs to write (chown) and use 755/644, or 1777 (sticky) for shared temporary directories.",
	Bad: `FROM debian:12
RUN chmod -R 777 /app`,
	Good: `FROM debian:12
RUN chown -R 10001:10001 /app && chmod -R 755 /app`,
	Check: checkSL1009,
}

func checkSL1009(p *dockerfile.Pass) {
	for _, in := range runs(p.File) {
		for _, c := range in.Shell.Commands {
			if mode := commandMode(c); mode != "" && worldWritable(mode) && !removedLater(in.Shell, c, mode) {
				p.Report(in, "%s makes files world-writable (mode %s)", c.Prog(), mode)
				break
			}
		}
	}
}

// commandMode returns the mode argument of chmod, or of mkdir/install -m.
func commandMode(c *dockerfile.Command) string {
	switch {
	case c.Is("chmod"):
		for _, a := range c.Args {
			if a == "-R" || a == "--recursive" || a == "-v" || a == "-f" || a == "-c" || strings.HasPrefix(a, "--") {
				continue
			}
			return a
		}
	case c.Is("mkdir", "install"):
		if m, ok := c.FlagValue("m", "mode"); ok {
			return m
		}
	}
	return ""
}

// removedLater reports whether every path a chmod changes is deleted by a
// later rm in the same RUN (a scratch directory that never reaches the layer).
func removedLater(s *dockerfile.Script, c *dockerfile.Command, mode string) bool {
	var paths []string
	for _, w := range c.Words() {
		if w != mode {
			paths = append(paths, w)
		}
	}
	if len(paths) == 0 {
		return false
	}
	after := false
	gone := map[string]bool{}
	for _, o := range s.Commands {
		if o == c {
			after = true
			continue
		}
		if after && o.Is("rm") {
			for _, w := range o.Words() {
				gone[w] = true
			}
		}
	}
	for _, p := range paths {
		if !gone[p] {
			return false
		}
	}
	return true
}

var (
	octalMode    = regexp.MustCompile(`^[0-7]{3,4}$`)
	symbolicMode = regexp.MustCompile(`^([ugoa]*)([-+=])([rwxXstugo]*)$`)
)

// worldWritable reports whether a chmod mode grants others write access,
// except on sticky directories (1777), the norm for shared tmp dirs.
func worldWritable(mode string) bool {
	if octalMode.MatchString(mode) {
		if len(mode) == 4 && (mode[0]-'0')&1 != 0 {
			return false // sticky
		}
		return (mode[len(mode)-1]-'0')&2 != 0
	}
	for _, clause := range strings.Split(mode, ",") {
		m := symbolicMode.FindStringSubmatch(clause)
		if m == nil || m[2] == "-" {
			continue
		}
		if (strings.ContainsAny(m[1], "oa")) && strings.Contains(m[3], "w") && !strings.Contains(m[3], "t") {
			return true
		}
	}
	return false
}
