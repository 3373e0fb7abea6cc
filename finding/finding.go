package finding

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// Kind names the engine family a finding comes from. Reports use it to pick
// the matching report type (a GitLab secret-detection report, say).
type Kind string

// The kinds of finding.
const (
	KindLint   Kind = "lint"   // Dockerfile rules
	KindSecret Kind = "secret" // credentials in files, history or layers
	KindVuln   Kind = "vuln"   // known vulnerabilities of packages
	KindConfig Kind = "config" // Kubernetes, ECS and Compose checks
	KindImage  Kind = "image"  // image configuration audit
)

// Kinds lists every kind in report order.
func Kinds() []Kind { return []Kind{KindVuln, KindSecret, KindLint, KindConfig, KindImage} }

// Finding is one thing an engine found. Engines fill what they know; the zero
// value of every optional field means "not applicable".
type Finding struct {
	Kind     Kind     `json:"kind"`
	Rule     string   `json:"rule"` // DL3008, aws-access-token, CVE-2020-14040, pss:privileged, ...
	Severity Severity `json:"severity"`
	Title    string   `json:"title"`
	Message  string   `json:"message"`
	Location Location `json:"location"`
	Package  *Package `json:"package,omitempty"`
	Fix      *Fix     `json:"fix,omitempty"`
	// Aliases are the other identifiers of the same advisory (CVE, GHSA, distro IDs).
	Aliases    []string `json:"aliases,omitempty"`
	References []string `json:"references,omitempty"`
	// Suppressed is set when an exception (ignore file, VEX, inline pragma)
	// covers the finding. Suppressed findings stay in the JSON report and are
	// left out of the summary and of every threshold.
	Suppressed *Suppression `json:"suppressed"`
	// Fingerprint identifies the finding across runs (baselines, exceptions,
	// SARIF partialFingerprints). Engines may set it; Result.Normalize fills
	// it from content otherwise.
	Fingerprint string `json:"fingerprint,omitempty"`
	// Published is when the advisory was first published (vulnerabilities);
	// policy grace windows read it.
	Published time.Time `json:"published,omitzero"`
	// SeveritySource says where Severity came from ("debian", "cvss:3.1", "rule", ...).
	SeveritySource string `json:"severity_source,omitempty"`
	// Evidence explains why the finding was made, as ordered name/value pairs
	// (for a vulnerability: the package identity used, the advisory record,
	// the range that decided).
	Evidence []Evidence `json:"evidence,omitempty"`
}

// Location says where a finding is. Path is slash-separated and relative to
// the target root. Line is 1-based; 0 means the whole file.
type Location struct {
	Path    string `json:"path"`
	Line    int    `json:"line"`
	Layer   string `json:"layer"`  // diffID of the image layer that holds the file
	Commit  string `json:"commit"` // git commit that introduced it
	EndLine int    `json:"end_line,omitempty"`
	Column  int    `json:"column,omitempty"`
	// LayerIndex is the 0-based position of Layer in the image.
	LayerIndex int `json:"layer_index,omitempty"`
	// Deleted is true when a later image layer removed the file: it is not in
	// the running container but every pull still downloads it.
	Deleted bool   `json:"deleted,omitempty"`
	Author  string `json:"author,omitempty"` // git author of Commit
	Date    string `json:"date,omitempty"`   // git author date of Commit, RFC 3339
}

// Package is the package a finding is about.
type Package struct {
	Name      string `json:"name"`
	Version   string `json:"version"`
	Ecosystem string `json:"ecosystem"`
	PURL      string `json:"purl"`
	// SourceName is the distro source package the advisory was matched by.
	SourceName string `json:"source_name,omitempty"`
}

// Fix lists the versions that fix a vulnerability, lowest first.
type Fix struct {
	Versions []string `json:"versions"`
}

// Suppression records who silenced a finding and why.
type Suppression struct {
	Kind    string `json:"kind"` // "ignore-file", "vex", "inline", "baseline"
	Reason  string `json:"reason"`
	Owner   string `json:"owner,omitempty"`
	Expires string `json:"expires,omitempty"` // date, YYYY-MM-DD
	Source  string `json:"source,omitempty"`  // file:line of the entry
}

// Evidence is one named fact behind a finding.
type Evidence struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Key returns the identity used for fingerprints and de-duplication: kind,
// rule, where, and which package. Messages and severities are left out so
// rewording a rule does not change the identity of its findings.
func (f *Finding) Key() string {
	k := string(f.Kind) + "\x00" + f.Rule + "\x00" + f.Location.Path + "\x00" + strconv.Itoa(f.Location.Line) +
		"\x00" + f.Location.Layer + "\x00" + f.Location.Commit
	if f.Package != nil {
		k += "\x00" + f.Package.Name + "\x00" + f.Package.Version + "\x00" + f.Package.Ecosystem
	}
	return k
}

// ComputeFingerprint returns a stable content-derived fingerprint.
func (f *Finding) ComputeFingerprint() string {
	sum := sha256.Sum256([]byte(f.Key()))
	return hex.EncodeToString(sum[:16])
}

// Active reports whether the finding counts: it is not suppressed.
func (f *Finding) Active() bool { return f.Suppressed == nil }
