package ecs

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var ecs004 = Rule{
	Rule: manifest.Rule{
		ID: "ECS004", Version: 1, Severity: finding.SeverityMedium,
		Title: "Root filesystem writable",
		Help: "With `readonlyRootFilesystem` false or absent, an attacker in the container can change its binaries and " +
			"drop tools. Set `readonlyRootFilesystem: true` and mount writable volumes only where the application writes.",
	},
	Check: func(t *TaskDefinition, _ *Options, emit Emit) {
		for _, c := range t.Containers() {
			n := c.Get("readonlyRootFilesystem")
			if v, ok := manifest.Bool(n); ok && v {
				continue
			}
			if n != nil && isIntrinsic(n) {
				continue
			}
			at := []any{"containerDefinitions", c.Index}
			msg := who(t, &c) + " does not set readonlyRootFilesystem: true"
			if n != nil {
				at = append(at, "readonlyRootFilesystem")
				msg = who(t, &c) + " has a writable root filesystem (readonlyRootFilesystem: false)"
			}
			emit(t, at, msg)
		}
	},
}
