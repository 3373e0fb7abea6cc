package report

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice/finding"
)

// sarifWriter renders SARIF 2.1.0
// (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html) as
// GitHub code scanning reads it
// (https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning):
// one run, rules with security-severity, results with partialFingerprints,
// suppressions for suppressed findings. Output that would exceed GitHub's
// upload limits is cut, most severe findings kept, and the cut is reported
// in the run's toolExecutionNotifications and through Options.Notify.
type sarifWriter struct {
	opts Options
	// limits are GitHub's; tests lower them.
	limits sarifLimits
}

var _ Writer = sarifWriter{}

// sarifLimits are the upload limits of GitHub code scanning.
type sarifLimits struct {
	Results     int   // results per run (hard limit 25,000)
	Rules       int   // rules per run (25,000)
	Tags        int   // tags per rule (20 accepted, 10 shown)
	GzipedBytes int64 // the gzip-compressed file (10 MB)
}

var githubLimits = sarifLimits{Results: 25_000, Rules: 25_000, Tags: 10, GzipedBytes: 10 << 20}

const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	toolURI      = "https://github.com/sluice-dev/sluice"
	// fingerprintKey names sluice's fingerprint in partialFingerprints; the
	// version lets a future change of the fingerprint start a new series.
	fingerprintKey = "sluiceFingerprint/v1"
)

// SARIF objects, named after the spec's sections (§3.13 sarifLog, §3.14
// run, §3.19 toolComponent, §3.49 reportingDescriptor, §3.27 result, ...).
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool        sarifTool         `json:"tool"`
		Invocations []sarifInvocation `json:"invocations"`
		Results     []sarifResult     `json:"results"`
		ColumnKind  string            `json:"columnKind"`
		Properties  map[string]any    `json:"properties,omitempty"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name            string      `json:"name"`
		Version         string      `json:"version,omitempty"`
		SemanticVersion string      `json:"semanticVersion,omitempty"`
		InformationURI  string      `json:"informationUri"`
		Rules           []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string          `json:"id"`
		Name                 string          `json:"name"`
		ShortDescription     sarifText       `json:"shortDescription"`
		FullDescription      sarifText       `json:"fullDescription"`
		Help                 *sarifHelp      `json:"help,omitempty"`
		HelpURI              string          `json:"helpUri,omitempty"`
		DefaultConfiguration sarifRuleConfig `json:"defaultConfiguration"`
		Properties           sarifRuleProps  `json:"properties"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifHelp struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown,omitempty"`
	}
	sarifRuleConfig struct {
		Level string `json:"level"`
	}
	sarifRuleProps struct {
		// SecuritySeverity is the score GitHub maps to its severity levels:
		// over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
		SecuritySeverity string   `json:"security-severity,omitempty"`
		Tags             []string `json:"tags"`
		Precision        string   `json:"precision"`
	}
	sarifInvocation struct {
		ExecutionSuccessful        bool                `json:"executionSuccessful"`
		ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
	}
	sarifNotification struct {
		Level   string    `json:"level"`
		Message sarifText `json:"message"`
	}
	sarifResult struct {
		RuleID              string             `json:"ruleId"`
		RuleIndex           int                `json:"ruleIndex"`
		Level               string             `json:"level"`
		Message             sarifText          `json:"message"`
		Locations           []sarifLocation    `json:"locations"`
		PartialFingerprints map[string]string  `json:"partialFingerprints"`
		Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
		Properties          map[string]any     `json:"properties,omitempty"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysical `json:"physicalLocation"`
		Message          *sarifText    `json:"message,omitempty"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           *sarifRegion  `json:"region,omitempty"`
	}
	sarifArtifact struct {
		URI string `json:"uri"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		EndLine     int `json:"endLine,omitempty"`
		StartColumn int `json:"startColumn,omitempty"`
	}
	sarifSuppression struct {
		Kind          string `json:"kind"`
		Status        string `json:"status"`
		Justification string `json:"justification,omitempty"`
	}
)

// securitySeverity is the score GitHub code scanning reads from
// properties.security-severity, one value inside each of its bands.
func securitySeverity(s finding.Severity) string {
	switch s {
	case finding.SeverityCritical:
		return "9.5"
	case finding.SeverityHigh:
		return "8.0"
	case finding.SeverityMedium:
		return "5.5"
	case finding.SeverityLow:
		return "2.0"
	}
	return "0.0"
}

// sarifLevel maps a severity onto SARIF's result levels (§3.27.10).
func sarifLevel(s finding.Severity) string {
	switch s {
	case finding.SeverityCritical, finding.SeverityHigh:
		return "error"
	case finding.SeverityMedium:
		return "warning"
	}
	return "note"
}

func (sw sarifWriter) Write(w io.Writer, r finding.Result) error {
	r = prepare(r, sw.opts)
	limits := sw.limits
	if limits == (sarifLimits{}) {
		limits = githubLimits
	}
	// Active findings first (stable, so still most severe first): when
	// results must be cut, suppressed ones go before any active one.
	fs := slices.Clone(r.Findings)
	slices.SortStableFunc(fs, func(a, b finding.Finding) int {
		switch {
		case a.Active() == b.Active():
			return 0
		case a.Active():
			return -1
		}
		return 1
	})
	keep := min(len(fs), limits.Results)
	for {
		log, notes := sw.build(r, fs, keep, limits)
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(log); err != nil {
			return fmt.Errorf("encode sarif: %w", err)
		}
		// JSON always compresses, so only output larger than the limit
		// can be over it once gzipped.
		if keep > 0 && limits.GzipedBytes > 0 && int64(buf.Len()) > limits.GzipedBytes && gzipSize(buf.Bytes()) > limits.GzipedBytes {
			// Halving converges in a few rounds even for huge results.
			keep /= 2
			continue
		}
		for _, n := range notes {
			sw.opts.notify(n)
		}
		_, err := w.Write(buf.Bytes())
		return err
	}
}

// build makes the log of the first keep findings.
func (sw sarifWriter) build(r finding.Result, fs []finding.Finding, keep int, limits sarifLimits) (sarifLog, []finding.Note) {
	var cut []finding.Note
	if keep < len(fs) {
		dropped := fs[keep:]
		worst := finding.SeverityUnknown
		for i := range dropped {
			worst = max(worst, dropped[i].Severity)
		}
		cut = append(cut, finding.Note{Level: finding.NoteWarning, Message: fmt.Sprintf(
			"SARIF output cut to %d of %d results to fit GitHub code scanning limits (%d results per run, %d MB gzip upload); the %d left out are at most %s: see the JSON report for all",
			keep, len(fs), limits.Results, limits.GzipedBytes>>20, len(dropped), worst)})
		fs = fs[:keep]
	}
	kept := r
	kept.Findings = fs
	rules, idx := rulesByID(kept)
	// Rules referenced by results come first, so a cut keeps them.
	used := make([]bool, len(rules))
	for i := range fs {
		if j, ok := lookupRule(idx, &fs[i]); ok {
			used[j] = true
		}
	}
	order := make([]int, 0, len(rules))
	for j := range rules {
		if used[j] {
			order = append(order, j)
		}
	}
	for j := range rules {
		if !used[j] {
			order = append(order, j)
		}
	}
	if len(order) > limits.Rules {
		cut = append(cut, finding.Note{Level: finding.NoteWarning, Message: fmt.Sprintf(
			"SARIF output lists %d of %d rules (GitHub accepts %d per run); rules without results were left out first",
			limits.Rules, len(order), limits.Rules)})
		order = order[:limits.Rules]
	}
	pos := make(map[int]int, len(order))
	out := make([]sarifRule, 0, len(order))
	for n, j := range order {
		pos[j] = n
		out = append(out, sw.rule(rules[j], limits))
	}
	results := make([]sarifResult, 0, len(fs))
	for i := range fs {
		j, _ := lookupRule(idx, &fs[i])
		n, ok := pos[j]
		if !ok {
			continue
		}
		results = append(results, sw.result(r, &fs[i], n))
	}
	notes := append(slices.Clone(r.Notes), cut...)
	inv := sarifInvocation{ExecutionSuccessful: true}
	for _, n := range notes {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
			Level: notificationLevel(n.Level), Message: sarifText{Text: n.Message},
		})
	}
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:            "sluice",
			Version:         r.Tool.Version,
			SemanticVersion: semver(r.Tool.Version),
			InformationURI:  toolURI,
			Rules:           out,
		}},
		Invocations: []sarifInvocation{inv},
		Results:     results,
		ColumnKind:  "utf16CodeUnits",
	}
	props := map[string]any{}
	if r.Target.Name != "" {
		props["target"] = r.Target
	}
	if len(cut) > 0 {
		props["truncated"] = true
		props["totalResults"] = len(r.Findings)
	}
	if len(props) > 0 {
		run.Properties = props
	}
	return sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}}, cut
}

func (sw sarifWriter) rule(ru finding.Rule, limits sarifLimits) sarifRule {
	title := ru.Title
	if title == "" {
		title = ru.ID
	}
	full := title
	if ru.Help != "" {
		// The first paragraph of the help is the rule's description.
		para, _, _ := strings.Cut(strings.TrimSpace(ru.Help), "\n\n")
		full = para
	}
	sr := sarifRule{
		ID:                   ru.ID,
		Name:                 ruleName(ru),
		ShortDescription:     sarifText{Text: title},
		FullDescription:      sarifText{Text: full},
		DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(ru.Severity)},
		Properties: sarifRuleProps{
			SecuritySeverity: securitySeverity(ru.Severity),
			Tags:             []string{"security", string(ru.Kind), ru.Severity.String()},
			Precision:        "high",
		},
	}
	if len(sr.Properties.Tags) > limits.Tags {
		sr.Properties.Tags = sr.Properties.Tags[:limits.Tags]
	}
	if ru.Help != "" {
		sr.Help = &sarifHelp{Text: ru.Help, Markdown: ru.Help}
	} else {
		sr.Help = &sarifHelp{Text: title}
	}
	if u, err := url.Parse(ru.HelpURI); err == nil && u.IsAbs() {
		sr.HelpURI = ru.HelpURI
	}
	return sr
}

// ruleName gives a rule a human-readable identifier (§3.49.7): the kind and
// the ID, which GitHub shows beside the title.
func ruleName(ru finding.Rule) string {
	if ru.Kind == "" {
		return ru.ID
	}
	return string(ru.Kind) + "/" + ru.ID
}

func (sw sarifWriter) result(r finding.Result, f *finding.Finding, ruleIndex int) sarifResult {
	msg := f.Message
	if msg == "" {
		msg = f.Title
	}
	if msg == "" {
		msg = f.Rule
	}
	if f.Package != nil && f.Kind == finding.KindVuln {
		msg = fmt.Sprintf("%s\nPackage: %s %s", msg, f.Package.Name, f.Package.Version)
		if fix := fixText(f); fix != "" {
			msg += "\nFixed in: " + fix
		}
	}
	res := sarifResult{
		RuleID:              f.Rule,
		RuleIndex:           ruleIndex,
		Level:               sarifLevel(f.Severity),
		Message:             sarifText{Text: msg},
		Locations:           []sarifLocation{sarifLoc(r, f)},
		PartialFingerprints: map[string]string{fingerprintKey: f.Fingerprint},
	}
	if s := f.Suppressed; s != nil {
		kind := "external"
		if s.Kind == "inline" {
			kind = "inSource"
		}
		just := s.Reason
		if s.Owner != "" {
			just += " (owner " + s.Owner + ")"
		}
		res.Suppressions = []sarifSuppression{{Kind: kind, Status: "accepted", Justification: just}}
	}
	props := map[string]any{"severity": f.Severity.String(), "kind": string(f.Kind)}
	if f.Package != nil {
		props["package"] = f.Package
	}
	if f.Location.Layer != "" {
		props["layer"] = f.Location.Layer
		props["layerIndex"] = f.Location.LayerIndex
	}
	if f.Location.Deleted {
		props["deleted"] = true
	}
	if f.Location.Commit != "" {
		props["commit"] = f.Location.Commit
	}
	if len(f.Aliases) > 0 {
		props["aliases"] = f.Aliases
	}
	res.Properties = props
	return res
}

// sarifLoc gives every result one physical location, as GitHub requires:
// the file, or for findings about the target as a whole (a package in an
// image without a file path), the target's name.
func sarifLoc(r finding.Result, f *finding.Finding) sarifLocation {
	p := f.Location.Path
	if p == "" {
		p = r.Target.Name
	}
	if p == "" {
		p = "."
	}
	loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: sarifURI(p)}}}
	if f.Location.Line > 0 {
		reg := &sarifRegion{StartLine: f.Location.Line}
		if f.Location.EndLine >= f.Location.Line {
			reg.EndLine = f.Location.EndLine
		}
		if f.Location.Column > 0 {
			reg.StartColumn = f.Location.Column
		}
		loc.PhysicalLocation.Region = reg
	}
	if f.Location.Layer != "" {
		loc.Message = &sarifText{Text: "in image layer " + strconv.Itoa(f.Location.LayerIndex) + " " + f.Location.Layer}
	}
	return loc
}

// sarifURI turns a slash-separated relative path into a relative URI
// reference: percent-encoded, and never mistaken for a scheme ("c:x").
func sarifURI(p string) string {
	u := (&url.URL{Path: strings.TrimPrefix(p, "/")}).String()
	if u == "" {
		return "."
	}
	return u
}

func notificationLevel(l finding.NoteLevel) string {
	switch l {
	case finding.NoteError:
		return "error"
	case finding.NoteWarning:
		return "warning"
	}
	return "note"
}

// semver returns v without its "v" when it is a semantic version.
func semver(v string) string {
	s := strings.TrimPrefix(v, "v")
	if s == "" || s[0] < '0' || s[0] > '9' || strings.Count(strings.SplitN(strings.SplitN(s, "-", 2)[0], "+", 2)[0], ".") != 2 {
		return ""
	}
	return s
}

func gzipSize(b []byte) int64 {
	var c countWriter
	zw := gzip.NewWriter(&c)
	zw.Write(b)
	zw.Close()
	return c.n
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }
