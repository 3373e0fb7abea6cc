package ecs

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var ecs001 = Rule{
	Rule: manifest.Rule{
		ID: "ECS001", Version: 1, Severity: finding.SeverityHigh,
		Title: "Privileged container",
		Help: "`privileged: true` gives the container every capability and device of the host (EC2 launch type). " +
			"Remove it, and add only the capability the container needs through `linuxParameters.capabilities.add`.",
	},
	Check: func(t *TaskDefinition, _ *Options, emit Emit) {
		for _, c := range t.Containers() {
			if v, _ := manifest.Bool(c.Get("privileged")); v {
				emit(t, []any{"containerDefinitions", c.Index, "privileged"}, who(t, &c)+" is privileged")
			}
		}
	},
}
