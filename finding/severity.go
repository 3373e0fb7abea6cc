package finding

import (
	"fmt"
	"strings"
)

// Severity orders how bad a finding is. The zero value is SeverityUnknown,
// which sorts below every known severity (as Trivy and Grype order it), so a
// finding whose source gave no severity never trips a threshold by accident.
type Severity int

// Severities from least to most severe.
const (
	SeverityUnknown Severity = iota
	SeverityInfo
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"unknown", "info", "low", "medium", "high", "critical"}

// Severities lists every severity from most to least severe: the order reports use.
func Severities() []Severity {
	return []Severity{SeverityCritical, SeverityHigh, SeverityMedium, SeverityLow, SeverityInfo, SeverityUnknown}
}

// String returns the lower-case name used in every output format.
func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return "unknown"
	}
	return severityNames[s]
}

// severityAliases maps the names other tools use onto ours, so thresholds
// copied from hadolint ("error", "warning", "style"), SARIF ("note") or
// Debian ("unimportant") configs keep their meaning.
var severityAliases = map[string]Severity{
	"unknown": SeverityUnknown, "none": SeverityUnknown, "negligible": SeverityInfo,
	"info": SeverityInfo, "informational": SeverityInfo, "style": SeverityInfo, "note": SeverityInfo, "unimportant": SeverityInfo,
	"low":    SeverityLow,
	"medium": SeverityMedium, "moderate": SeverityMedium, "warning": SeverityMedium,
	"high": SeverityHigh, "important": SeverityHigh, "error": SeverityHigh,
	"critical": SeverityCritical,
}

// ParseSeverity reads a severity name case-insensitively. Besides our own
// names it accepts the common synonyms of other tools (moderate, important,
// warning, error, style, note, negligible).
func ParseSeverity(s string) (Severity, error) {
	if sev, ok := severityAliases[strings.ToLower(strings.TrimSpace(s))]; ok {
		return sev, nil
	}
	return SeverityUnknown, fmt.Errorf("unknown severity %q (want critical, high, medium, low, info or unknown)", s)
}

// SeverityFromCVSS maps a CVSS v3/v4 base score onto the qualitative rating
// scale of the CVSS specification (v3.1 §5, v4.0 §6): 0 none, 0.1-3.9 low,
// 4.0-6.9 medium, 7.0-8.9 high, 9.0-10.0 critical. A score of 0 or out of
// range gives SeverityUnknown rather than inventing a rating.
func SeverityFromCVSS(score float64) Severity {
	switch {
	case score <= 0 || score > 10:
		return SeverityUnknown
	case score < 4.0:
		return SeverityLow
	case score < 7.0:
		return SeverityMedium
	case score < 9.0:
		return SeverityHigh
	default:
		return SeverityCritical
	}
}

// MarshalText writes the lower-case name, so JSON and YAML carry "high", not 4.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText accepts any name ParseSeverity accepts.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}
