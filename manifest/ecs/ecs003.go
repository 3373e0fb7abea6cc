package ecs

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var ecs003 = Rule{
	Rule: manifest.Rule{
		ID: "ECS003", Version: 1, Severity: finding.SeverityLow,
		Title: "Container user not set",
		Help: "Without `user` the container runs as whatever the image's USER says, which for most images is root. " +
			"Set `user` to a non-zero UID so the task definition states it.",
	},
	Check: func(t *TaskDefinition, _ *Options, emit Emit) {
		for _, c := range t.Containers() {
			if u, _ := manifest.Scalar(c.Get("user")); u == "" && c.Get("user") == nil {
				emit(t, []any{"containerDefinitions", c.Index}, who(t, &c)+" sets no user: the image decides, often root")
			}
		}
	},
}
