package ecs

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var ecs010 = Rule{
	Rule: manifest.Rule{
		ID: "ECS010", Version: 1, Severity: finding.SeverityLow,
		Title: "No memory limit",
		Help: "Without a hard memory limit (container `memory`, or task-level `memory`) one container can use all the " +
			"instance's memory. Set `memory` on the container or the task; `memoryReservation` alone is a soft limit.",
	},
	Check: func(t *TaskDefinition, _ *Options, emit Emit) {
		if manifest.LookupFold(t.Node, "memory") != nil {
			return
		}
		for _, c := range t.Containers() {
			if c.Get("memory") == nil {
				emit(t, []any{"containerDefinitions", c.Index}, who(t, &c)+" has no hard memory limit (memory), nor has the task")
			}
		}
	},
}
