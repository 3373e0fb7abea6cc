package sign

import (
	"context"
	"crypto"
	"fmt"
	"regexp"
	"strings"
)

// TrustPolicy says which keys must have signed the images of which
// registries and repositories. Every rule whose Images match an image's
// repository applies; an image no rule matches is refused unless
// AllowUnmatched is set.
type TrustPolicy struct {
	Rules          []TrustRule
	AllowUnmatched bool
}

// TrustRule is one requirement.
type TrustRule struct {
	// Name identifies the rule in reasons.
	Name string
	// Images are glob patterns over "registry/repository" (for example
	// "registry.example.com/team/*" or "ghcr.io/org/**"): * matches within
	// one path segment, ** across segments, ? one character.
	Images []string
	// Keys are the public keys whose signatures count.
	Keys []TrustKey
	// Threshold is how many of Keys must have signed; 0 means all of them.
	Threshold int
	// Annotations every counted signature must carry.
	Annotations map[string]string
	// Attestations are predicate types (names or URIs) that must be
	// attested, each by at least one of Keys.
	Attestations []string
}

// TrustKey is a public key with a name for messages (its file, usually).
type TrustKey struct {
	Name string
	Key  crypto.PublicKey
}

// TrustDecision is the outcome of evaluating a policy for one image.
type TrustDecision struct {
	Image   string   `json:"image"` // repository@digest
	Digest  string   `json:"digest"`
	Pass    bool     `json:"pass"`
	Rules   []string `json:"rules,omitempty"` // the rules that applied
	Reasons []string `json:"reasons,omitempty"`
}

// globRE compiles a repository glob: * within a path segment, ** across
// segments, ? one character, everything else literal. It is not
// internal/glob on purpose: there "[...]" is a character class, which would
// break patterns for registries named by an IPv6 literal ("[::1]:5000/*"),
// and "**/" also matches no segment at all.
func globRE(pattern string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '*':
			if i+1 < len(pattern) && pattern[i+1] == '*' {
				b.WriteString(".*")
				i++
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

// MatchImage reports whether repository (registry/repository) matches glob.
func MatchImage(glob, repository string) (bool, error) {
	re, err := globRE(glob)
	if err != nil {
		return false, fmt.Errorf("image pattern %q: %w", glob, err)
	}
	return re.MatchString(repository), nil
}

// ruleName names the i-th rule (from 0) in messages: its Name, or "rule N"
// counting from 1 when it has none.
func ruleName(name string, i int) string {
	if name == "" {
		return fmt.Sprintf("rule %d", i+1)
	}
	return name
}

// Validate checks the policy before use.
func (p *TrustPolicy) Validate() error {
	for i, r := range p.Rules {
		name := ruleName(r.Name, i)
		if len(r.Images) == 0 {
			return fmt.Errorf("trust policy %s: no images patterns", name)
		}
		for _, g := range r.Images {
			if _, err := globRE(g); err != nil {
				return fmt.Errorf("trust policy %s: image pattern %q: %w", name, g, err)
			}
		}
		if len(r.Keys) == 0 {
			return fmt.Errorf("trust policy %s: no keys", name)
		}
		if r.Threshold < 0 || r.Threshold > len(r.Keys) {
			return fmt.Errorf("trust policy %s: threshold %d with %d keys", name, r.Threshold, len(r.Keys))
		}
		for _, a := range r.Attestations {
			if _, err := PredicateTypeURI(a); err != nil {
				return fmt.Errorf("trust policy %s: %w", name, err)
			}
		}
	}
	return nil
}

// Evaluate checks the image ref points to against the policy.
func (p *TrustPolicy) Evaluate(ctx context.Context, ref string, reg Registry) (*TrustDecision, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	t, err := reg.Resolve(ctx, ref)
	if err != nil {
		return nil, err
	}
	return p.evaluateTarget(ctx, t, reg)
}

func (p *TrustPolicy) evaluateTarget(ctx context.Context, t *Target, reg Registry) (*TrustDecision, error) {
	d := &TrustDecision{Image: t.DigestRef(), Digest: t.Digest(), Pass: true}
	repo := t.Repo.Name()
	for i, r := range p.Rules {
		name := ruleName(r.Name, i)
		matched := false
		for _, g := range r.Images {
			if ok, _ := MatchImage(g, repo); ok {
				matched = true
				break
			}
		}
		if !matched {
			continue
		}
		d.Rules = append(d.Rules, name)
		reasons, err := r.check(ctx, t, reg, name)
		if err != nil {
			return nil, err
		}
		if len(reasons) > 0 {
			d.Pass = false
			d.Reasons = append(d.Reasons, reasons...)
		}
	}
	if len(d.Rules) == 0 && !p.AllowUnmatched {
		d.Pass = false
		d.Reasons = append(d.Reasons, fmt.Sprintf("no trust rule covers %s, and images no rule covers are refused", repo))
	}
	return d, nil
}

// check returns why the rule fails for t (none when it passes).
func (r *TrustRule) check(ctx context.Context, t *Target, reg Registry, name string) ([]string, error) {
	var reasons []string
	need := r.Threshold
	if need == 0 {
		need = len(r.Keys)
	}
	var signedBy, missing []string
	vopts := &VerifyOptions{Registry: reg, Annotations: r.Annotations}
	for _, k := range r.Keys {
		v, err := reg.verifyTarget(ctx, t, t.DigestRef(), k.Key, false, vopts)
		if err != nil {
			return nil, err
		}
		if len(v.Verified()) > 0 {
			signedBy = append(signedBy, k.Name)
		} else {
			missing = append(missing, k.Name)
		}
	}
	if len(signedBy) < need {
		reasons = append(reasons, fmt.Sprintf("%s: signed by %d of the required %d key(s); no valid signature from %s", name, len(signedBy), need, strings.Join(missing, ", ")))
	}
	for _, a := range r.Attestations {
		uri, _ := PredicateTypeURI(a)
		found := false
		for _, k := range r.Keys {
			v, err := reg.verifyTarget(ctx, t, t.DigestRef(), k.Key, true, &VerifyOptions{Registry: reg, PredicateType: uri})
			if err != nil {
				return nil, err
			}
			if len(v.Verified()) > 0 {
				found = true
				break
			}
		}
		if !found {
			reasons = append(reasons, fmt.Sprintf("%s: no verified %s attestation", name, uri))
		}
	}
	return reasons, nil
}
