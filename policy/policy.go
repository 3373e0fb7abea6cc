// Package policy is the gate: it turns the findings of every engine and the
// facts about an image (signatures, labels, base image) into one Decision
// with every reason named. Built-in rules cover what pipelines ask most (fail
// at a severity per kind, only when a fix exists, never a secret, signed
// images, required labels, allowed bases); custom rules are CEL expressions
// over a documented input (docs/policy.md).
package policy

import (
	"fmt"
	"strings"
	"time"

	"golang.org/x/mod/semver"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/internal/glob"
)

// Policy configures the gate. The zero value passes everything.
type Policy struct {
	// FailOn is the severity threshold for kinds without their own entry in
	// Thresholds; nil means no threshold.
	FailOn *finding.Severity
	// Thresholds set a threshold per kind (vuln, secret, lint, config, image).
	Thresholds map[finding.Kind]finding.Severity
	// OnlyFixed makes vulnerabilities fail a threshold only when a fixed
	// version exists ("push nothing with a fixable critical").
	OnlyFixed bool
	// MaxFixableCriticalDays fails on any critical vulnerability that has had a
	// fix for longer than this many days since the advisory was published,
	// whatever the thresholds say; 0 turns it off.
	MaxFixableCriticalDays int
	// GraceDays turns a threshold failure into a warning for advisories
	// published fewer than this many days ago, so a CVE disclosed overnight
	// alerts owners without stopping every deployment.
	GraceDays int
	// ForbidSecrets fails on any active secret finding, whatever its severity.
	ForbidSecrets bool
	// RequireSignature fails unless at least one signature verified.
	RequireSignature bool
	// RequiredLabels must all be present on the image.
	RequiredLabels []string
	// AllowedBases are globs the image's base image must match.
	AllowedBases []string
	// Rules are custom CEL rules.
	Rules []Rule
	// RulesVersion pins the lint/config rule set to a sluice release:
	// findings of rules introduced later (RuleSince) are reported as info
	// until the pin moves, so upgrading sluice never flips a verdict.
	RulesVersion string
	// RuleSince maps a rule ID to the sluice release that introduced it.
	RuleSince map[string]string
}

// Facts are what the gate knows about an image besides its findings.
type Facts struct {
	Image      *Image
	Signatures []Signature
	SBOM       *SBOMSummary
}

// Image describes the image under decision.
type Image struct {
	Reference string
	Digest    string
	Labels    map[string]string
	User      string
	Base      string // base image reference, from labels/annotations when known
	Created   time.Time
}

// Signature is one signature found on the image.
type Signature struct {
	Key      string // key ID or path of the public key that checked it
	Verified bool
	Reason   string // why it did not verify
}

// SBOMSummary summarises the inventory.
type SBOMSummary struct {
	Packages int
	ByType   map[string]int
}

// Gate is a compiled policy, ready to evaluate many results.
type Gate struct {
	pol   Policy
	bases []*glob.Pattern
	rules []compiledRule
}

// Compile checks and compiles a policy: CEL rules, globs, the rules version.
func Compile(p Policy) (*Gate, error) {
	g := &Gate{pol: p}
	var err error
	if g.bases, err = glob.CompileAll(p.AllowedBases); err != nil {
		return nil, fmt.Errorf("allowed bases: %w", err)
	}
	if p.RulesVersion != "" && !semver.IsValid(p.RulesVersion) {
		return nil, fmt.Errorf("rules_version %q is not a release version like v0.3.0", p.RulesVersion)
	}
	if g.rules, err = compileRules(p.Rules); err != nil {
		return nil, err
	}
	return g, nil
}

// Evaluate decides over res and facts at time now. It may lower the
// severity of findings from rules newer than RulesVersion and appends notes
// (grace-window warnings, pinned rules) to res.
func (g *Gate) Evaluate(res *finding.Result, facts Facts, now time.Time) (finding.Decision, error) {
	d := finding.Decision{Pass: true, Reasons: []string{}}
	fail := func(format string, args ...any) {
		d.Pass = false
		d.Reasons = append(d.Reasons, fmt.Sprintf(format, args...))
	}
	g.applyRulesVersion(res)

	graced := 0
	for i := range res.Findings {
		f := &res.Findings[i]
		if !f.Active() {
			continue
		}
		where := describe(f)
		if threshold, ok := g.threshold(f.Kind); ok && f.Severity >= threshold {
			switch {
			case f.Kind == finding.KindVuln && g.pol.OnlyFixed && !hasFix(f):
				// Not actionable yet: reported, not failed.
			case f.Kind == finding.KindVuln && g.inGrace(f, now):
				graced++
				res.Notes = append(res.Notes, finding.Note{Level: finding.NoteWarning, Message: fmt.Sprintf(
					"%s is %s but was published %s, within the %d-day grace window: it will fail from %s",
					where, f.Severity, f.Published.Format(time.DateOnly), g.pol.GraceDays,
					f.Published.AddDate(0, 0, g.pol.GraceDays).Format(time.DateOnly))})
			default:
				fail("%s is %s, at or above the %s threshold for %s findings%s", where, f.Severity, threshold, f.Kind, fixNote(f))
				continue
			}
		}
		if g.pol.ForbidSecrets && f.Kind == finding.KindSecret {
			fail("%s: secrets are never allowed", where)
			continue
		}
		if days := g.pol.MaxFixableCriticalDays; days > 0 && f.Kind == finding.KindVuln && f.Severity == finding.SeverityCritical &&
			hasFix(f) && !f.Published.IsZero() && now.Sub(f.Published) > time.Duration(days)*24*time.Hour {
			fail("%s is a critical with a fix, published %s: older than the %d days allowed%s",
				where, f.Published.Format(time.DateOnly), days, fixNote(f))
		}
	}
	g.checkFacts(facts, fail)
	if err := g.evalRules(res, facts, now, fail); err != nil {
		return d, err
	}
	return d, nil
}

func (g *Gate) threshold(k finding.Kind) (finding.Severity, bool) {
	if s, ok := g.pol.Thresholds[k]; ok {
		return s, true
	}
	if g.pol.FailOn != nil {
		return *g.pol.FailOn, true
	}
	return 0, false
}

func (g *Gate) inGrace(f *finding.Finding, now time.Time) bool {
	return g.pol.GraceDays > 0 && !f.Published.IsZero() &&
		now.Before(f.Published.AddDate(0, 0, g.pol.GraceDays))
}

// applyRulesVersion reports findings of rules newer than the pin as info.
func (g *Gate) applyRulesVersion(res *finding.Result) {
	pin := g.pol.RulesVersion
	if pin == "" {
		return
	}
	var newer []string
	seen := map[string]bool{}
	for i := range res.Findings {
		f := &res.Findings[i]
		since, ok := g.pol.RuleSince[f.Rule]
		if !ok || !semver.IsValid(since) || semver.Compare(since, pin) <= 0 {
			continue
		}
		if f.Severity > finding.SeverityInfo {
			f.Evidence = append(f.Evidence, finding.Evidence{Name: "pinned", Value: fmt.Sprintf(
				"rule added in %s, after rules_version %s: reported as info instead of %s", since, pin, f.Severity)})
			f.Severity = finding.SeverityInfo
		}
		if !seen[f.Rule] {
			seen[f.Rule] = true
			newer = append(newer, f.Rule)
		}
	}
	if len(newer) > 0 {
		res.Notes = append(res.Notes, finding.Note{Level: finding.NoteInfo, Message: fmt.Sprintf(
			"rules newer than rules_version %s report as info until the pin moves: %s", pin, strings.Join(newer, ", "))})
	}
}

func (g *Gate) checkFacts(facts Facts, fail func(string, ...any)) {
	if g.pol.RequireSignature {
		verified := false
		for _, s := range facts.Signatures {
			verified = verified || s.Verified
		}
		if !verified {
			if len(facts.Signatures) == 0 {
				fail("image is not signed: a verified signature is required for promotion")
			} else {
				fail("none of the image's %d signatures verified: a verified signature is required for promotion", len(facts.Signatures))
			}
		}
	}
	img := facts.Image
	if img == nil {
		if len(g.pol.RequiredLabels) > 0 || len(g.bases) > 0 {
			fail("no image facts available to check required labels and the base image")
		}
		return
	}
	for _, l := range g.pol.RequiredLabels {
		if strings.TrimSpace(img.Labels[l]) == "" {
			fail("image %s lacks the required label %s", img.Reference, l)
		}
	}
	if len(g.bases) > 0 {
		switch {
		case img.Base == "":
			fail("image %s does not say its base image (org.opencontainers.image.base.name): it cannot be checked against the allowed bases", img.Reference)
		case !glob.Any(g.bases, img.Base):
			fail("image %s is built on %s, which is not an allowed base image", img.Reference, img.Base)
		}
	}
}

func hasFix(f *finding.Finding) bool { return f.Fix != nil && len(f.Fix.Versions) > 0 }

func fixNote(f *finding.Finding) string {
	if hasFix(f) {
		return " (fixed in " + strings.Join(f.Fix.Versions, ", ") + ")"
	}
	return ""
}

// describe names a finding in a reason: kind, rule, package or place.
func describe(f *finding.Finding) string {
	s := string(f.Kind) + " " + f.Rule
	if f.Package != nil {
		s += " in " + f.Package.Name + "@" + f.Package.Version
	}
	if f.Location.Path != "" {
		s += " at " + f.Location.Path
		if f.Location.Line > 0 {
			s += fmt.Sprintf(":%d", f.Location.Line)
		}
	}
	return s
}
