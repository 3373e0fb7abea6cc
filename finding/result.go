package finding

import (
	"cmp"
	"slices"
)

// SchemaV1 is the schema identifier of the JSON report.
const SchemaV1 = "sluice.report/v1"

// Result is everything one run found about one target: the canonical shape
// every report format renders.
type Result struct {
	Schema   string    `json:"schema"`
	Tool     Tool      `json:"tool"`
	Target   Target    `json:"target"`
	Findings []Finding `json:"findings"`
	Summary  Summary   `json:"summary"`
	Decision Decision  `json:"decision"`
	// Rules describes every rule or check that ran, including those that
	// found nothing, so SARIF can carry rule help and JUnit a testcase per check.
	Rules []Rule `json:"rules,omitempty"`
	// Notes are things the user must know about the run itself: an expired
	// exception, a stale one, a file skipped, results cut to fit a format.
	Notes []Note `json:"notes,omitempty"`
	// Sources describe the data a run relied on (advisory databases: name,
	// build time, freshness).
	Sources []DataSource `json:"sources,omitempty"`
}

// Tool names the producer of a report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Target is what was scanned.
type Target struct {
	Kind   string `json:"kind"` // image, dir, git, sbom, dockerfile, manifest
	Name   string `json:"name"`
	Digest string `json:"digest,omitempty"`
}

// Summary counts active (unsuppressed) findings per severity.
type Summary struct {
	Critical   int `json:"critical"`
	High       int `json:"high"`
	Medium     int `json:"medium"`
	Low        int `json:"low"`
	Info       int `json:"info"`
	Unknown    int `json:"unknown"`
	Suppressed int `json:"suppressed,omitempty"`
}

// Count returns the count for one severity.
func (s Summary) Count(sev Severity) int {
	switch sev {
	case SeverityCritical:
		return s.Critical
	case SeverityHigh:
		return s.High
	case SeverityMedium:
		return s.Medium
	case SeverityLow:
		return s.Low
	case SeverityInfo:
		return s.Info
	default:
		return s.Unknown
	}
}

// Total is the number of active findings.
func (s Summary) Total() int { return s.Critical + s.High + s.Medium + s.Low + s.Info + s.Unknown }

// Decision is the verdict over a result: pass or not, and every reason.
type Decision struct {
	Pass    bool     `json:"pass"`
	Reasons []string `json:"reasons"`
}

// Rule describes one rule or check: SARIF rule metadata and JUnit testcases
// are made from it.
type Rule struct {
	ID       string   `json:"id"`
	Kind     Kind     `json:"kind"`
	Severity Severity `json:"severity"`
	Title    string   `json:"title"`
	// Help is the rationale and remedy, in Markdown.
	Help    string `json:"help,omitempty"`
	HelpURI string `json:"help_uri,omitempty"`
}

// NoteLevel is how loudly a note must be shown.
type NoteLevel string

// Note levels.
const (
	NoteInfo    NoteLevel = "info"
	NoteWarning NoteLevel = "warning"
	NoteError   NoteLevel = "error"
)

// Note is a message about the run rather than about the target.
type Note struct {
	Level   NoteLevel `json:"level"`
	Message string    `json:"message"`
}

// DataSource describes data a run relied on, such as an advisory feed.
type DataSource struct {
	Name     string `json:"name"`
	Records  int    `json:"records,omitempty"`
	Updated  string `json:"updated,omitempty"` // freshest record, RFC 3339
	Built    string `json:"built,omitempty"`   // when the local copy was built, RFC 3339
	Location string `json:"location,omitempty"`
}

// Summarize counts the active findings per severity.
func Summarize(fs []Finding) Summary {
	var s Summary
	for i := range fs {
		if !fs[i].Active() {
			s.Suppressed++
			continue
		}
		switch fs[i].Severity {
		case SeverityCritical:
			s.Critical++
		case SeverityHigh:
			s.High++
		case SeverityMedium:
			s.Medium++
		case SeverityLow:
			s.Low++
		case SeverityInfo:
			s.Info++
		default:
			s.Unknown++
		}
	}
	return s
}

// Compare orders findings for output: most severe first, then by kind, rule,
// path, line, package, so the same input always gives the same report.
func Compare(a, b *Finding) int {
	if c := cmp.Compare(b.Severity, a.Severity); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Kind, b.Kind); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Rule, b.Rule); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Location.Path, b.Location.Path); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Location.Line, b.Location.Line); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Location.LayerIndex, b.Location.LayerIndex); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Location.Commit, b.Location.Commit); c != 0 {
		return c
	}
	return cmp.Compare(a.Key(), b.Key())
}

// Normalize makes a result ready to write: schema set, findings sorted with
// fingerprints, rules sorted by ID, summary recomputed. Writers call it so a
// result built anywhere renders the same way.
func (r *Result) Normalize() {
	if r.Schema == "" {
		r.Schema = SchemaV1
	}
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	for i := range r.Findings {
		if r.Findings[i].Fingerprint == "" {
			r.Findings[i].Fingerprint = r.Findings[i].ComputeFingerprint()
		}
	}
	slices.SortStableFunc(r.Findings, func(a, b Finding) int { return Compare(&a, &b) })
	slices.SortStableFunc(r.Rules, func(a, b Rule) int { return cmp.Compare(a.ID, b.ID) })
	r.Rules = slices.CompactFunc(r.Rules, func(a, b Rule) bool { return a.ID == b.ID })
	if r.Decision.Reasons == nil {
		r.Decision.Reasons = []string{}
	}
	r.Summary = Summarize(r.Findings)
}

// AtOrAbove reports whether any active finding has severity >= min.
func (r *Result) AtOrAbove(min Severity) bool {
	for i := range r.Findings {
		if r.Findings[i].Active() && r.Findings[i].Severity >= min {
			return true
		}
	}
	return false
}
