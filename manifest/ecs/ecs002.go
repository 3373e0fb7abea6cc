package ecs

import (
	"strings"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var ecs002 = Rule{
	Rule: manifest.Rule{
		ID: "ECS002", Version: 1, Severity: finding.SeverityHigh,
		Title: "Container runs as root",
		Help: "`user` is `root` or UID 0: a process that escapes the container is root on the host. Set `user` to a " +
			"non-zero UID (and GID), such as `\"1000:1000\"`, that the image supports.",
	},
	Check: func(t *TaskDefinition, _ *Options, emit Emit) {
		for _, c := range t.Containers() {
			if u, ok := manifest.Scalar(c.Get("user")); ok && RootUser(u) {
				emit(t, []any{"containerDefinitions", c.Index, "user"}, who(t, &c)+" runs as root (user "+u+")")
			}
		}
	},
}

// RootUser reports whether a user spec ("name", "uid", "uid:gid",
// "name:group") names the root user.
func RootUser(u string) bool {
	user, _, _ := strings.Cut(strings.TrimSpace(u), ":")
	return user == "root" || user == "0"
}
