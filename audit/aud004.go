package audit

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var aud004 = Rule{
	ID: "AUD004", Version: 2, Severity: finding.SeverityHigh,
	Title: "Secret in the build history",
	Help: "The image history (`docker history --no-trunc`) keeps the command of every build step, with the values " +
		"of `ARG`s used by `RUN` (`|1 TOKEN=… /bin/sh -c …`) and of `ENV`. A secret passed that way ships with " +
		"the image even if a later step removes it, and so does a credential written into a `RUN` command " +
		"(`curl -H \"Authorization: token …\"`). Use `RUN --mount=type=secret,id=…` (BuildKit) instead. " +
		"The value is never printed.",
	Check: func(img *Image, o *Options, emit Emit) {
		for i, h := range img.Config.History {
			field := configField(fmt.Sprintf("history[%d].created_by", i))
			names := historySecrets(h.CreatedBy)
			for _, name := range names {
				emit(fmt.Sprintf("build step %d passes %s with a literal value", i+1, name), finding.Location{}, field)
			}
			if len(names) > 0 || o.Secrets == nil {
				continue
			}
			// The command itself: a token pasted into RUN is in every pull.
			for _, f := range o.Secrets.ScanBytes("history", []byte(h.CreatedBy)) {
				emit(fmt.Sprintf("build step %d holds a %s in its command (rule %s)", i+1, strings.ToLower(f.Title), f.Rule), finding.Location{}, field)
			}
		}
	},
}

// assignment matches NAME=VALUE words of a created_by line: ARG values that
// BuildKit and the classic builder prefix to RUN ("|2 A=1 B=2 /bin/sh -c"),
// and ENV/ARG instructions.
// builderPrefix recognises the parts a builder writes: the "|N" count of
// build args before a RUN, and ENV / ARG instructions.
var builderPrefix = regexp.MustCompile(`^\s*(RUN\s+)?\|\d+\s|(^|\s)(ENV|ARG)\s`)

var assignment = regexp.MustCompile(`(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S*)`)

// historySecrets returns the names of secret-looking assignments of a
// created_by line, in the parts the builder wrote (before the shell command).
func historySecrets(createdBy string) []string {
	s := createdBy
	// Only the builder's own prefix is structured; inside the shell command an
	// assignment may be anything, so look at what precedes "/bin/sh -c" and at
	// ENV/ARG instructions.
	if i := strings.Index(s, "/bin/sh -c "); i >= 0 {
		rest := s[i+len("/bin/sh -c "):]
		s = s[:i]
		if strings.HasPrefix(rest, "#(nop) ") {
			s += " " + strings.TrimPrefix(rest, "#(nop) ")
		}
	}
	if !builderPrefix.MatchString(s) {
		return nil
	}
	var out []string
	for _, m := range assignment.FindAllStringSubmatch(s, -1) {
		v := strings.Trim(m[2], `"'`)
		if manifest.LiteralSecret(m[1], v) {
			out = append(out, m[1])
		}
	}
	return out
}
