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
	for _, in := range p.File.Instructions {
		if mode, ok := in.Flag("chmod"); ok && in.Is("copy", "add") && worldWritable(mode) {
			p.Report(in, "%s --chmod=%s makes files world-writable", strings.ToUpper(in.Cmd), mode)
		}
	}
	for _, in := range runs(p.File) {
		var lastRm map[string]int
		for i, c := range in.Shell.Commands {
			mode := commandMode(c)
			if mode == "" || !worldWritable(mode) {
				continue
			}
			if lastRm == nil {
				lastRm = rmPositions(in.Shell)
			}
			if !removedLater(lastRm, i, c, mode) {
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

// rmPositions maps every path an rm of the script deletes to the position
// of the last such rm.
func rmPositions(s *dockerfile.Script) map[string]int {
	out := map[string]int{}
	for i, o := range s.Commands {
		if o.Is("rm") {
			for _, w := range o.Words() {
				out[w] = i
			}
		}
	}
	return out
}

// removedLater reports whether every path the chmod at position i changes
// is deleted by a later rm in the same RUN (a scratch directory that never
// reaches the layer).
func removedLater(lastRm map[string]int, i int, c *dockerfile.Command, mode string) bool {
	n := 0
	for _, w := range c.Words() {
		if w == mode {
			continue
		}
		if at, ok := lastRm[w]; !ok || at <= i {
			return false
		}
		n++
	}
	return n > 0
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
