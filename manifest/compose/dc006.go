package compose

import (
	"strings"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var dc006 = Rule{
	Rule: manifest.Rule{
		ID: "DC006", Version: 1, Severity: finding.SeverityLow,
		Title: "No non-root user",
		Help: "Without `user`, the service runs as the image's USER, which for most images is root; `user: root` or " +
			"`0` says so outright. Set `user` to a non-zero UID the image supports (`user: \"1000:1000\"`).",
	},
	Check: func(s *Service, _ *Options, emit Emit) {
		n := s.Get("user")
		if n == nil {
			emit(s, nil, s.String()+" sets no user: the image decides, often root")
			return
		}
		u, _ := manifest.Scalar(n)
		name, _, _ := strings.Cut(strings.TrimSpace(u), ":")
		if name == "root" || name == "0" {
			emit(s, []any{"user"}, s.String()+" runs as root (user "+u+")")
		}
	},
}
