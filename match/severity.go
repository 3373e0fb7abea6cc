package match

import (
	"encoding/json"
	"strconv"
	"strings"

	cvss20 "github.com/pandatix/go-cvss/20"
	cvss30 "github.com/pandatix/go-cvss/30"
	cvss31 "github.com/pandatix/go-cvss/31"
	cvss40 "github.com/pandatix/go-cvss/40"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/vulndb"
)

// distroSeverity reads the severity a distro assigned to an advisory: the
// Debian tracker's urgency, the Ubuntu priority, or the Red Hat-style
// "Important: …" summary prefix of AlmaLinux and Rocky advisories.
func distroSeverity(a *vulndb.Advisory) (finding.Severity, string, bool) {
	for _, af := range a.Affected {
		var es struct {
			Urgency  string `json:"urgency"`
			Severity string `json:"severity"`
		}
		if len(af.EcosystemSpecific) > 0 && json.Unmarshal(af.EcosystemSpecific, &es) == nil {
			for _, s := range []string{es.Urgency, es.Severity} {
				s = strings.TrimSuffix(strings.TrimSpace(s), "*")
				if s == "" {
					continue
				}
				if sev, err := finding.ParseSeverity(s); err == nil && (sev != finding.SeverityUnknown) {
					return sev, a.Source + " urgency " + s, true
				}
			}
		}
		for _, s := range af.Severity {
			if s.Type == "Ubuntu" {
				if sev, err := finding.ParseSeverity(s.Score); err == nil && sev != finding.SeverityUnknown {
					return sev, a.Source + " priority " + s.Score, true
				}
			}
		}
	}
	for _, s := range a.Severity {
		if s.Type == "Ubuntu" {
			if sev, err := finding.ParseSeverity(s.Score); err == nil && sev != finding.SeverityUnknown {
				return sev, a.Source + " priority " + s.Score, true
			}
		}
	}
	if word, _, ok := strings.Cut(a.Summary, ":"); ok && !strings.Contains(word, " ") {
		if sev, err := finding.ParseSeverity(word); err == nil && sev != finding.SeverityUnknown {
			return sev, a.Source + " " + a.ID + " rated " + word, true
		}
	}
	return finding.SeverityUnknown, "", false
}

// cvssSeverity scores the best CVSS vector of an advisory: v4, then v3.x,
// then v2, from the record or its affected entries.
func cvssSeverity(a *vulndb.Advisory) (finding.Severity, string, bool) {
	var vecs []vulndb.Severity
	vecs = append(vecs, a.Severity...)
	for _, af := range a.Affected {
		vecs = append(vecs, af.Severity...)
	}
	for _, typ := range []string{"CVSS_V4", "CVSS_V3", "CVSS_V2"} {
		for _, s := range vecs {
			if s.Type != typ {
				continue
			}
			if score, ok := ScoreCVSS(s.Score); ok {
				sev := finding.SeverityFromCVSS(score)
				if typ == "CVSS_V2" && sev == finding.SeverityCritical {
					sev = finding.SeverityHigh // CVSS v2 has no critical rating
				}
				return sev, a.Source + " " + a.ID + " " + s.Score + " (score " + trimFloat(score) + ")", true
			}
		}
	}
	// GitHub-reviewed records carry a rating word in database_specific.
	var ds struct {
		Severity string `json:"severity"`
	}
	if len(a.DatabaseSpecific) > 0 && json.Unmarshal(a.DatabaseSpecific, &ds) == nil && ds.Severity != "" {
		if sev, err := finding.ParseSeverity(ds.Severity); err == nil && sev != finding.SeverityUnknown {
			return sev, a.Source + " " + a.ID + " rated " + ds.Severity, true
		}
	}
	return finding.SeverityUnknown, "", false
}

// ScoreCVSS computes the base score of a CVSS v2, v3.0, v3.1 or v4.0 vector.
func ScoreCVSS(vector string) (float64, bool) {
	switch {
	case strings.HasPrefix(vector, "CVSS:4.0/"):
		c, err := cvss40.ParseVector(vector)
		if err != nil {
			return 0, false
		}
		return c.Score(), true
	case strings.HasPrefix(vector, "CVSS:3.1/"):
		c, err := cvss31.ParseVector(vector)
		if err != nil {
			return 0, false
		}
		return c.BaseScore(), true
	case strings.HasPrefix(vector, "CVSS:3.0/"):
		c, err := cvss30.ParseVector(vector)
		if err != nil {
			return 0, false
		}
		return c.BaseScore(), true
	default:
		c, err := cvss20.ParseVector(strings.TrimPrefix(vector, "CVSS:2.0/"))
		if err != nil {
			return 0, false
		}
		return c.BaseScore(), true
	}
}

func trimFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
