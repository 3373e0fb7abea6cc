package audit

import (
	"strings"

	"github.com/sluice-dev/sluice/finding"
)

var aud008 = Rule{
	ID: "AUD008", Version: 1, Severity: finding.SeverityLow,
	Title: "OCI labels missing",
	Help: "Without `org.opencontainers.image.source`, `.revision`, `.version` and `.created` nobody can tell at a " +
		"glance which commit an image was built from, or when. Set them at build time " +
		"(`docker buildx build --label org.opencontainers.image.revision=$(git rev-parse HEAD) …`, or the " +
		"metadata action of your CI). Labels or manifest annotations both count.",
	Check: func(img *Image, o *Options, emit Emit) {
		var missing []string
		for _, l := range o.labels() {
			if img.Config.Config.Labels[l] == "" && img.Annotations[l] == "" {
				missing = append(missing, l)
			}
		}
		if len(missing) > 0 {
			emit("the image lacks the labels "+strings.Join(missing, ", "), finding.Location{}, configField("Labels"))
		}
	},
}
