package audit

import (
	"strings"

	"github.com/sluice-dev/sluice/finding"
)

var aud002 = Rule{
	ID: "AUD002", Version: 1, Severity: finding.SeverityMedium,
	Title: "Image exposes port 22",
	Help: "An image that exposes SSH (`EXPOSE 22`) usually runs an SSH server: another way in, with its own keys " +
		"and passwords to manage. Use `kubectl exec` / `docker exec` for access and remove sshd and the EXPOSE.",
	Check: func(img *Image, _ *Options, emit Emit) {
		for p := range img.Config.Config.ExposedPorts {
			port, _, _ := strings.Cut(p, "/")
			if port == "22" {
				emit("the image exposes port "+p+" (SSH)", finding.Location{}, configField("ExposedPorts"))
				return
			}
		}
	},
}
