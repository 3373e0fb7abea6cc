package audit

import (
	"fmt"
	"strings"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var aud003 = Rule{
	ID: "AUD003", Version: 1, Severity: finding.SeverityHigh,
	Title: "Secret in the image's environment",
	Help: "An `ENV` holding a password, token or key is baked into the image config: anyone who can pull the " +
		"image can read it (`docker inspect`). Pass secrets at run time (a Kubernetes Secret, a secrets manager) " +
		"and, at build time, with `RUN --mount=type=secret`. The check goes by the variable's name; the value is never printed.",
	Check: func(img *Image, _ *Options, emit Emit) {
		for i, kv := range img.Config.Config.Env {
			name, value, ok := strings.Cut(kv, "=")
			if ok && manifest.LiteralSecret(name, value) {
				emit(fmt.Sprintf("environment variable %s holds a literal secret", name), finding.Location{}, configField(fmt.Sprintf("Env[%d]", i)))
			}
		}
	},
}
