package audit

import (
	"strings"

	"github.com/sluice-dev/sluice/finding"
)

var aud001 = Rule{
	ID: "AUD001", Version: 1, Severity: finding.SeverityHigh,
	Title: "Image runs as root",
	Help: "The image's config has no `USER`, or names root / UID 0, so every container of it runs as root unless " +
		"the platform overrides it. Add a non-root user in the Dockerfile (`RUN useradd -u 10001 app` then " +
		"`USER 10001`), or start from a base that has one (distroless `:nonroot`).",
	Check: func(img *Image, _ *Options, emit Emit) {
		u := strings.TrimSpace(img.Config.Config.User)
		name, _, _ := strings.Cut(u, ":")
		switch {
		case u == "":
			emit("the image sets no USER: containers run as root", finding.Location{}, configField("User"))
		case name == "root" || name == "0":
			emit("the image runs as root (USER "+u+")", finding.Location{}, configField("User"))
		}
	},
}
