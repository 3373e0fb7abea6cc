package vulndb

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Vulnerability is one advisory in the OSV schema
// (https://ossf.github.io/osv-schema/), the canonical model every importer
// converts into.
type Vulnerability struct {
	SchemaVersion    string          `json:"schema_version,omitempty"`
	ID               string          `json:"id"`
	Modified         Time            `json:"modified"`
	Published        Time            `json:"published,omitzero"`
	Withdrawn        Time            `json:"withdrawn,omitzero"`
	Aliases          []string        `json:"aliases,omitempty"`
	Related          []string        `json:"related,omitempty"`
	Summary          string          `json:"summary,omitempty"`
	Details          string          `json:"details,omitempty"`
	Severity         []Severity      `json:"severity,omitempty"`
	Affected         []Affected      `json:"affected,omitempty"`
	References       []Reference     `json:"references,omitempty"`
	DatabaseSpecific json.RawMessage `json:"database_specific,omitempty"`
}

// Severity is a scored severity: Type is CVSS_V2, CVSS_V3, CVSS_V4 or
// Ubuntu; Score is the vector (or the Ubuntu priority word).
type Severity struct {
	Type  string `json:"type"`
	Score string `json:"score"`
}

// Affected is one package the advisory affects, with its vulnerable
// versions as ranges and/or an explicit list.
type Affected struct {
	Package           Package         `json:"package"`
	Severity          []Severity      `json:"severity,omitempty"`
	Ranges            []Range         `json:"ranges,omitempty"`
	Versions          []string        `json:"versions,omitempty"`
	EcosystemSpecific json.RawMessage `json:"ecosystem_specific,omitempty"`
	DatabaseSpecific  json.RawMessage `json:"database_specific,omitempty"`
}

// Package names a package as its ecosystem does. Ecosystem may carry a
// release ("Debian:12", "Alpine:v3.18", "AlmaLinux:9").
type Package struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	PURL      string `json:"purl,omitempty"`
}

// Range types of the OSV schema.
const (
	RangeEcosystem = "ECOSYSTEM"
	RangeSemver    = "SEMVER"
	RangeGit       = "GIT"
)

// Range is a sequence of events over one version ordering.
type Range struct {
	Type             string          `json:"type"`
	Repo             string          `json:"repo,omitempty"`
	Events           []Event         `json:"events"`
	DatabaseSpecific json.RawMessage `json:"database_specific,omitempty"`
}

// Event is exactly one of introduced, fixed, last_affected or limit.
type Event struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty"`
}

// Reference is a link with its OSV type (ADVISORY, FIX, WEB, ...).
type Reference struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

// Time is an OSV timestamp. Feeds write RFC 3339 with or without fractional
// seconds, and some only a date; all are accepted and written back as
// RFC 3339 in UTC.
type Time struct{ time.Time }

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"}

// ParseTime reads any timestamp form the feeds use.
func ParseTime(s string) (Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return Time{t.UTC()}, nil
		}
	}
	return Time{}, fmt.Errorf("timestamp %q is not RFC 3339", s)
}

// UnmarshalJSON accepts a string timestamp or null.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*t = Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("timestamp: %w", err)
	}
	if s == "" {
		*t = Time{}
		return nil
	}
	v, err := ParseTime(s)
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// MarshalJSON writes RFC 3339 in UTC.
func (t Time) MarshalJSON() ([]byte, error) {
	return json.Marshal(t.UTC().Format(time.RFC3339Nano))
}

// IsWithdrawn reports whether the advisory was withdrawn.
func (v *Vulnerability) IsWithdrawn() bool { return !v.Withdrawn.IsZero() }

// ValidationError is an advisory the store cannot take as it is.
type ValidationError struct {
	ID  string
	Msg string
}

func (e *ValidationError) Error() string {
	if e.ID == "" {
		return "invalid advisory: " + e.Msg
	}
	return "invalid advisory " + e.ID + ": " + e.Msg
}

// Validate checks what the store relies on: an ID and well-formed events.
func (v *Vulnerability) Validate() error {
	if v.ID == "" {
		return &ValidationError{Msg: "no id"}
	}
	for i, a := range v.Affected {
		if a.Package.Ecosystem == "" || a.Package.Name == "" {
			if a.Package.PURL == "" {
				return &ValidationError{v.ID, fmt.Sprintf("affected[%d]: package without ecosystem and name", i)}
			}
		}
		for _, ver := range a.Versions {
			if strings.ContainsAny(ver, "\n") || ver == "" {
				return &ValidationError{v.ID, fmt.Sprintf("affected[%d]: versions entry %q", i, ver)}
			}
		}
		for j, r := range a.Ranges {
			for k, e := range r.Events {
				n := 0
				for _, s := range []string{e.Introduced, e.Fixed, e.LastAffected, e.Limit} {
					if s != "" {
						n++
					}
				}
				if n != 1 {
					return &ValidationError{v.ID, fmt.Sprintf("affected[%d].ranges[%d].events[%d]: want exactly one of introduced, fixed, last_affected, limit", i, j, k)}
				}
			}
		}
	}
	return nil
}

// IDs returns the advisory's own ID followed by its aliases.
func (v *Vulnerability) IDs() []string {
	return append([]string{v.ID}, v.Aliases...)
}

// NormalizeName returns the form of a package name the store indexes:
// PyPI names per PEP 503 (lower case, runs of -_. as one -); others as given.
func NormalizeName(ecosystem, name string) string {
	base, _, _ := strings.Cut(ecosystem, ":")
	if base != "PyPI" {
		return name
	}
	var b strings.Builder
	sep := false
	for _, r := range strings.ToLower(name) {
		if r == '-' || r == '_' || r == '.' {
			sep = true
			continue
		}
		if sep && b.Len() > 0 {
			b.WriteByte('-')
		}
		sep = false
		b.WriteRune(r)
	}
	return b.String()
}
