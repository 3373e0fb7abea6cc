package ecs

import (
	"strings"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var ecs006 = Rule{
	Rule: manifest.Rule{
		ID: "ECS006", Version: 1, Severity: finding.SeverityMedium,
		Title: "Host network mode",
		Help: "`networkMode: host` puts the task's containers in the host's network namespace: they can bind any host " +
			"port and reach services listening on localhost, such as the instance metadata endpoint. Use `awsvpc`.",
	},
	Check: func(t *TaskDefinition, _ *Options, emit Emit) {
		if m, _ := manifest.Scalar(manifest.LookupFold(t.Node, "networkMode")); strings.EqualFold(m, "host") {
			emit(t, []any{"networkMode"}, t.String()+" uses the host network mode")
		}
	},
}
