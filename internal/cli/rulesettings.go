package cli

import (
	"strings"

	"github.com/sluice-dev/sluice/config"
	"github.com/sluice-dev/sluice/finding"
)

// applyRuleSettings applies the project's rule settings of .sluice.yaml to a
// result of any engine: severity_overrides re-rate a rule's findings (and
// its entry in the report's rule list), ignore suppresses them with the
// reason given. Rule IDs match case-insensitively, as in the exceptions
// ledger. It runs before the ledger and the threshold, so both see the
// project's severities.
func applyRuleSettings(res *finding.Result, cfg *config.File) {
	if cfg == nil || (len(cfg.SeverityOverrides) == 0 && len(cfg.Ignore) == 0) {
		return
	}
	sev := map[string]finding.Severity{}
	for id, v := range cfg.SeverityOverrides {
		s, err := finding.ParseSeverity(v) // validated when the file loaded
		if err == nil {
			sev[strings.ToUpper(id)] = s
		}
	}
	ignored := map[string]string{}
	for _, r := range cfg.Ignore {
		ignored[strings.ToUpper(r.ID)] = r.Reason
	}
	source := cfg.Path
	if source == "" {
		source = config.DefaultFile
	}
	for i := range res.Findings {
		f := &res.Findings[i]
		id := strings.ToUpper(f.Rule)
		if s, ok := sev[id]; ok {
			f.Severity, f.SeveritySource = s, "config"
		}
		if reason, ok := ignored[id]; ok && f.Suppressed == nil {
			f.Suppressed = &finding.Suppression{Kind: "config", Reason: reason, Source: source}
		}
	}
	for i := range res.Rules {
		if s, ok := sev[strings.ToUpper(res.Rules[i].ID)]; ok {
			res.Rules[i].Severity = s
		}
	}
}
