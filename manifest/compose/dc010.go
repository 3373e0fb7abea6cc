package compose

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var dc010 = Rule{
	Rule: manifest.Rule{
		ID: "DC010", Version: 1, Severity: finding.SeverityHigh,
		Title: "Secret in environment",
		Help: "A password, token or key written into `environment` is in the Compose file, its git history and " +
			"`docker inspect`. Use Compose `secrets` (mounted under /run/secrets, with the image's `*_FILE` " +
			"convention), or `${VARIABLE}` interpolation from an untracked `.env`. The check goes by the variable's " +
			"name; the value is never printed.",
	},
	Check: func(s *Service, _ *Options, emit Emit) {
		for _, e := range Environment(s) {
			if e.HasValue && manifest.LiteralSecret(e.Name, e.Value) {
				emit(s, e.Path, s.String()+": environment variable "+e.Name+" holds a literal secret")
			}
		}
	},
}
