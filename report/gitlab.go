package report

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/sluice-dev/sluice/finding"
)

// gitlabWriter renders a GitLab security report
// (https://docs.gitlab.com/ee/development/integrations/secure.html#report),
// schema version gitlabSchemaVersion. GitLab has one report type per
// scanner family, and a job uploads each under its own artifacts:reports
// key, so a writer renders exactly one type:
//
//   - container_scanning: vulnerabilities found in an image
//   - dependency_scanning: vulnerabilities found in a directory or lockfile
//   - secret_detection: secrets
//   - sast: Dockerfile lint, Kubernetes/ECS/Compose checks, image audit
//
// The explicit formats (gitlab-container-scanning, ...) keep only findings
// of their type. "gitlab" picks the type with the most active findings (the
// dominant kind; with none, the one the target's kind implies) and reports
// through Options.Notify what it left out.
type gitlabWriter struct {
	opts   Options
	report glType // glAuto picks from the result
}

var _ Writer = gitlabWriter{}

type glType int

const (
	glAuto glType = iota
	glContainerScanning
	glDependencyScanning
	glSecretDetection
	glSAST
)

var glTypeNames = map[glType]string{
	glContainerScanning:  "container_scanning",
	glDependencyScanning: "dependency_scanning",
	glSecretDetection:    "secret_detection",
	glSAST:               "sast",
}

var glSchemaFiles = map[glType]string{
	glContainerScanning:  "container-scanning-report-format.json",
	glDependencyScanning: "dependency-scanning-report-format.json",
	glSecretDetection:    "secret-detection-report-format.json",
	glSAST:               "sast-report-format.json",
}

// gitlabSchemaVersion is the security-report-schemas release the output
// follows (https://gitlab.com/gitlab-org/security-products/security-report-schemas).
// GitLab validates a report against the version it declares and refuses to
// ingest versions it does not vendor: 15.2.x is rejected by GitLab 17.1 and
// older (gitlab-org/gitlab#497405), while 15.0.x is accepted from GitLab 15.4
// on. The output uses nothing added after 15.0, and carries the
// dependency_files list that 15.0's dependency scanning schema requires.
const gitlabSchemaVersion = "15.0.7"

type (
	glReport struct {
		Version         string            `json:"version"`
		Schema          string            `json:"schema"`
		Scan            glScan            `json:"scan"`
		Vulnerabilities []glVulnerability `json:"vulnerabilities"`
		// DependencyFiles is part of dependency scanning reports only.
		DependencyFiles *[]struct{} `json:"dependency_files,omitempty"`
	}
	glScan struct {
		Analyzer  glTool      `json:"analyzer"`
		Scanner   glTool      `json:"scanner"`
		Type      string      `json:"type"`
		StartTime string      `json:"start_time"`
		EndTime   string      `json:"end_time"`
		Status    string      `json:"status"`
		Messages  []glMessage `json:"messages,omitempty"`
	}
	glTool struct {
		ID      string   `json:"id"`
		Name    string   `json:"name"`
		URL     string   `json:"url"`
		Vendor  glVendor `json:"vendor"`
		Version string   `json:"version"`
	}
	glVendor struct {
		Name string `json:"name"`
	}
	glMessage struct {
		Level string `json:"level"`
		Value string `json:"value"`
	}
	glVulnerability struct {
		ID          string         `json:"id"`
		Name        string         `json:"name"`
		Description string         `json:"description,omitempty"`
		Severity    string         `json:"severity"`
		Solution    string         `json:"solution,omitempty"`
		Identifiers []glIdentifier `json:"identifiers"`
		Links       []glLink       `json:"links,omitempty"`
		Location    any            `json:"location"`
	}
	glIdentifier struct {
		Type  string `json:"type"`
		Name  string `json:"name"`
		URL   string `json:"url,omitempty"`
		Value string `json:"value"`
	}
	glLink struct {
		Name string `json:"name,omitempty"`
		URL  string `json:"url"`
	}
	glDependency struct {
		Package struct {
			Name string `json:"name"`
		} `json:"package"`
		Version string `json:"version"`
	}
	glContainerLocation struct {
		Dependency      glDependency `json:"dependency"`
		OperatingSystem string       `json:"operating_system"`
		Image           string       `json:"image"`
	}
	glDependencyLocation struct {
		File       string       `json:"file"`
		Dependency glDependency `json:"dependency"`
	}
	glSecretLocation struct {
		File      string   `json:"file,omitempty"`
		Commit    glCommit `json:"commit"`
		StartLine int      `json:"start_line,omitempty"`
		EndLine   int      `json:"end_line,omitempty"`
	}
	glCommit struct {
		Author string `json:"author,omitempty"`
		Date   string `json:"date,omitempty"`
		SHA    string `json:"sha"`
	}
	glSASTLocation struct {
		File      string `json:"file,omitempty"`
		StartLine int    `json:"start_line,omitempty"`
		EndLine   int    `json:"end_line,omitempty"`
	}
)

// glTypeOf is the report type a finding belongs in.
func glTypeOf(r *finding.Result, f *finding.Finding) glType {
	switch f.Kind {
	case finding.KindVuln:
		if r.Target.Kind == "image" || f.Location.Layer != "" {
			return glContainerScanning
		}
		return glDependencyScanning
	case finding.KindSecret:
		return glSecretDetection
	}
	return glSAST
}

// glDominant picks the type with the most active findings; with none, the
// type the target and the rules that ran point to.
func glDominant(r *finding.Result) glType {
	counts := map[glType]int{}
	for i := range r.Findings {
		if r.Findings[i].Active() {
			counts[glTypeOf(r, &r.Findings[i])]++
		}
	}
	best, n := glAuto, 0
	for _, t := range []glType{glContainerScanning, glDependencyScanning, glSecretDetection, glSAST} {
		if counts[t] > n {
			best, n = t, counts[t]
		}
	}
	if best != glAuto {
		return best
	}
	kinds := map[finding.Kind]bool{}
	for _, ru := range r.Rules {
		kinds[ru.Kind] = true
	}
	switch {
	case kinds[finding.KindVuln] && r.Target.Kind == "image":
		return glContainerScanning
	case kinds[finding.KindVuln]:
		return glDependencyScanning
	case kinds[finding.KindSecret]:
		return glSecretDetection
	case r.Target.Kind == "image" && len(kinds) == 0:
		return glContainerScanning
	}
	return glSAST
}

func (gw gitlabWriter) Write(w io.Writer, r finding.Result) error {
	r = prepare(r, gw.opts)
	typ := gw.report
	if typ == glAuto {
		typ = glDominant(&r)
	}
	left := map[glType]int{}
	now := gw.opts.now().Format("2006-01-02T15:04:05")
	version := r.Tool.Version
	if version == "" {
		version = "unknown"
	}
	tool := glTool{ID: "sluice", Name: "sluice", URL: toolURI, Vendor: glVendor{Name: "sluice"}, Version: version}
	rep := glReport{
		Version: gitlabSchemaVersion,
		Schema: "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v" +
			gitlabSchemaVersion + "/dist/" + glSchemaFiles[typ],
		Scan: glScan{
			Analyzer: tool, Scanner: tool, Type: glTypeNames[typ],
			StartTime: now, EndTime: now, Status: "success",
		},
		Vulnerabilities: []glVulnerability{},
	}
	if typ == glDependencyScanning {
		rep.DependencyFiles = &[]struct{}{}
	}
	os := glOperatingSystem(&r)
	for i := range r.Findings {
		f := &r.Findings[i]
		if t := glTypeOf(&r, f); t != typ {
			if f.Active() {
				left[t]++
			}
			continue
		}
		// GitLab has no suppressed state in reports: a suppressed finding
		// left in would reopen as a new vulnerability, so it stays out.
		if !f.Active() {
			continue
		}
		rep.Vulnerabilities = append(rep.Vulnerabilities, glVuln(&r, f, typ, os))
	}
	notes := r.Notes
	for _, t := range []glType{glContainerScanning, glDependencyScanning, glSecretDetection, glSAST} {
		if n := left[t]; n > 0 {
			note := finding.Note{Level: finding.NoteInfo, Message: fmt.Sprintf(
				"GitLab %s report leaves out %s of type %s: write them with -f gitlab-%s",
				glTypeNames[typ], plural(n, "finding"), glTypeNames[t], strings.ReplaceAll(glTypeNames[t], "_", "-"))}
			// Asking for one type by name is a choice; only the automatic
			// pick warns about what it left out.
			if gw.report == glAuto {
				note.Level = finding.NoteWarning
				gw.opts.notify(note)
			}
			notes = append(notes, note)
		}
	}
	for _, n := range notes {
		level := "info"
		switch n.Level {
		case finding.NoteWarning, finding.NoteError:
			level = "warn"
		}
		rep.Scan.Messages = append(rep.Scan.Messages, glMessage{Level: level, Value: n.Message})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rep); err != nil {
		return fmt.Errorf("encode gitlab report: %w", err)
	}
	return nil
}

func glVuln(r *finding.Result, f *finding.Finding, typ glType, os string) glVulnerability {
	name := f.Title
	if name == "" {
		name = f.Rule
	}
	desc := f.Message
	if desc == "" {
		desc = name
	}
	v := glVulnerability{
		ID:          glUUID(f.Fingerprint),
		Name:        truncate(name, 255),
		Description: truncate(desc, 1<<20),
		Severity:    glSeverity(f.Severity),
		Identifiers: glIdentifiers(f),
	}
	if fix := fixText(f); fix != "" && f.Package != nil {
		v.Solution = truncate(fmt.Sprintf("Upgrade %s to %s", f.Package.Name, fix), 7000)
	}
	for _, ref := range f.References {
		if strings.HasPrefix(ref, "https://") || strings.HasPrefix(ref, "http://") {
			v.Links = append(v.Links, glLink{URL: ref})
		}
	}
	file := f.Location.Path
	var dep glDependency
	if f.Package != nil {
		dep.Package.Name = f.Package.Name
		dep.Version = f.Package.Version
	}
	switch typ {
	case glContainerScanning:
		image := r.Target.Name
		if image == "" {
			image = "unknown"
		}
		v.Location = glContainerLocation{Dependency: dep, OperatingSystem: os, Image: image}
	case glDependencyScanning:
		if file == "" {
			file = r.Target.Name
		}
		if file == "" {
			file = "."
		}
		v.Location = glDependencyLocation{File: file, Dependency: dep}
	case glSecretDetection:
		sha := f.Location.Commit
		if sha == "" {
			// GitLab's own secret detection uses this for files outside git history.
			sha = "0000000"
		}
		v.Location = glSecretLocation{File: file, StartLine: f.Location.Line, EndLine: endLine(f),
			Commit: glCommit{SHA: sha, Author: f.Location.Author, Date: f.Location.Date}}
	default:
		if file == "" {
			file = r.Target.Name
		}
		v.Location = glSASTLocation{File: file, StartLine: f.Location.Line, EndLine: endLine(f)}
	}
	return v
}

func endLine(f *finding.Finding) int {
	if f.Location.Line <= 0 {
		return 0
	}
	return max(f.Location.EndLine, f.Location.Line)
}

// glIdentifiers lists the finding's identifiers, the primary first: the
// advisory ID (CVE, GHSA, ...) and its aliases for vulnerabilities, the rule
// for everything else. GitLab matches vulnerabilities across pipelines by
// them.
func glIdentifiers(f *finding.Finding) []glIdentifier {
	ids := []glIdentifier{glIdentifier{Type: "sluice_rule", Name: f.Rule, Value: f.Rule}}
	if f.Kind == finding.KindVuln {
		ids[0] = advisoryIdentifier(f.Rule)
		for _, a := range f.Aliases {
			if a != f.Rule {
				ids = append(ids, advisoryIdentifier(a))
			}
		}
	} else if f.Kind != "" {
		ids[0].Name = string(f.Kind) + " rule " + f.Rule
	}
	if ids[0].Value == "" {
		ids[0].Value, ids[0].Name = "unknown", "unknown"
	}
	return ids
}

func advisoryIdentifier(id string) glIdentifier {
	prefix, _, _ := strings.Cut(id, "-")
	typ := strings.ToLower(prefix)
	if typ == "" || typ == id || strings.ContainsAny(typ, " /:") {
		typ = "advisory"
	}
	gi := glIdentifier{Type: typ, Name: id, Value: id}
	switch typ {
	case "cve":
		gi.URL = "https://nvd.nist.gov/vuln/detail/" + id
	case "ghsa":
		gi.URL = "https://github.com/advisories/" + id
	case "go":
		gi.URL = "https://pkg.go.dev/vuln/" + id
	}
	return gi
}

// glOperatingSystem names the image's OS for container scanning locations,
// from the "distro" evidence matchers record, else a distro ecosystem.
func glOperatingSystem(r *finding.Result) string {
	for i := range r.Findings {
		for _, e := range r.Findings[i].Evidence {
			if strings.EqualFold(e.Name, "distro") && e.Value != "" {
				return e.Value
			}
		}
	}
	for i := range r.Findings {
		p := r.Findings[i].Package
		if p == nil {
			continue
		}
		switch p.Ecosystem {
		case "Debian", "Ubuntu", "Alpine", "AlmaLinux", "Rocky Linux", "Red Hat", "SUSE", "CBL-Mariner":
			return p.Ecosystem
		}
		if strings.Contains(p.Ecosystem, ":") { // OSV "Debian:12"
			return strings.Replace(p.Ecosystem, ":", " ", 1)
		}
	}
	return "unknown"
}

func glSeverity(s finding.Severity) string {
	switch s {
	case finding.SeverityCritical:
		return "Critical"
	case finding.SeverityHigh:
		return "High"
	case finding.SeverityMedium:
		return "Medium"
	case finding.SeverityLow:
		return "Low"
	case finding.SeverityInfo:
		return "Info"
	}
	return "Unknown"
}

// glUUID derives a stable RFC 4122 version 5 style UUID from a finding's
// fingerprint, so a finding keeps its ID across pipelines.
func glUUID(fingerprint string) string {
	h := sha1.Sum([]byte("sluice.gitlab/v1\x00" + fingerprint))
	h[6] = (h[6] & 0x0f) | 0x50
	h[8] = (h[8] & 0x3f) | 0x80
	s := hex.EncodeToString(h[:16])
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32]
}

// truncate cuts s to at most n characters, marking the cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)
	return string(runes[:n-1]) + "…"
}
