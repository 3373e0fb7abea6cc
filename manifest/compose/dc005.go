package compose

import (
	"strings"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var dc005 = Rule{
	Rule: manifest.Rule{
		ID: "DC005", Version: 1, Severity: finding.SeverityMedium,
		Title: "Capabilities added",
		Help: "`cap_add` gives the container capabilities beyond Docker's default set; `SYS_ADMIN`, `NET_ADMIN` or " +
			"`ALL` break isolation. Add only what the process needs, and consider `cap_drop: [ALL]`.",
	},
	Check: func(s *Service, _ *Options, emit Emit) {
		var caps []string
		for _, it := range manifest.Items(s.Get("cap_add")) {
			if v, ok := manifest.Scalar(it); ok {
				caps = append(caps, v)
			}
		}
		if len(caps) > 0 {
			emit(s, []any{"cap_add"}, s.String()+" adds capabilities "+strings.Join(caps, ", "))
		}
	},
}
