package ecs

import (
	"fmt"
	"strings"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var ecs011 = Rule{
	Rule: manifest.Rule{
		ID: "ECS011", Version: 1, Severity: finding.SeverityMedium,
		Title: "Linux capabilities added",
		Help: "`linuxParameters.capabilities.add` gives the container capabilities beyond Docker's default set; " +
			"`SYS_ADMIN`, `NET_ADMIN` or `ALL` break isolation. Add none, or only the one the process needs, and drop " +
			"the rest (`capabilities.drop: [\"ALL\"]`).",
	},
	Check: func(t *TaskDefinition, _ *Options, emit Emit) {
		for _, c := range t.Containers() {
			var caps []string
			for _, it := range manifest.Items(c.Get("linuxParameters", "capabilities", "add")) {
				if v, ok := manifest.Scalar(it); ok {
					caps = append(caps, v)
				}
			}
			if len(caps) > 0 {
				emit(t, []any{"containerDefinitions", c.Index, "linuxParameters", "capabilities", "add"},
					fmt.Sprintf("%s adds capabilities %s", who(t, &c), strings.Join(caps, ", ")))
			}
		}
	},
}
