package ecs

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var ecs005 = Rule{
	Rule: manifest.Rule{
		ID: "ECS005", Version: 1, Severity: finding.SeverityHigh,
		Title: "Secret in environment instead of secrets",
		Help: "A password, token or key in `environment` is stored in the task definition in clear text, visible to " +
			"anyone allowed to describe it. Store it in Secrets Manager or SSM Parameter Store and reference it from " +
			"`secrets` (`{\"name\": …, \"valueFrom\": arn}`). The check goes by the variable's name; the value is never printed.",
	},
	Check: func(t *TaskDefinition, _ *Options, emit Emit) {
		for _, c := range t.Containers() {
			for i, e := range manifest.Items(c.Get("environment")) {
				name, _ := manifest.Scalar(manifest.LookupFold(e, "name"))
				vn := manifest.LookupFold(e, "value")
				if vn == nil || isIntrinsic(vn) {
					continue
				}
				value, _ := manifest.Scalar(vn)
				if manifest.LiteralSecret(name, value) {
					emit(t, []any{"containerDefinitions", c.Index, "environment", i, "value"},
						who(t, &c)+": environment variable "+name+" holds a literal secret; use secrets with valueFrom")
				}
			}
		}
	},
}
