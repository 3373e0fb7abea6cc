package sign

import (
	"fmt"
)

// TrustPolicySpec is the trust policy as configuration data (the trust
// section of .sluice.yaml): keys are public key files. Compile loads the keys
// and checks the rules.
type TrustPolicySpec struct {
	// AllowUnmatched lets images that no rule covers pass.
	AllowUnmatched bool            `json:"allowUnmatched,omitempty" yaml:"allowUnmatched,omitempty"`
	Rules          []TrustRuleSpec `json:"rules" yaml:"rules"`
}

// TrustRuleSpec is one rule of a TrustPolicySpec; see TrustRule.
type TrustRuleSpec struct {
	Name         string            `json:"name,omitempty" yaml:"name,omitempty"`
	Images       []string          `json:"images" yaml:"images"`
	Keys         []string          `json:"keys" yaml:"keys"`
	Threshold    int               `json:"threshold,omitempty" yaml:"threshold,omitempty"`
	Annotations  map[string]string `json:"annotations,omitempty" yaml:"annotations,omitempty"`
	Attestations []string          `json:"attestations,omitempty" yaml:"attestations,omitempty"`
}

// Compile reads each key file with readFile (paths as written; the caller
// resolves them against the config file's directory) and validates the
// policy. Errors name the rule and the key file.
func (s TrustPolicySpec) Compile(readFile func(path string) ([]byte, error)) (*TrustPolicy, error) {
	p := &TrustPolicy{AllowUnmatched: s.AllowUnmatched}
	for i, rs := range s.Rules {
		name := ruleName(rs.Name, i)
		r := TrustRule{
			Name: name, Images: rs.Images, Threshold: rs.Threshold,
			Annotations: rs.Annotations, Attestations: rs.Attestations,
		}
		for _, path := range rs.Keys {
			b, err := readFile(path)
			if err != nil {
				return nil, fmt.Errorf("trust policy %s: key %s: %w", name, path, err)
			}
			k, err := ParsePublicKey(b)
			if err != nil {
				return nil, fmt.Errorf("trust policy %s: key %s: %w", name, path, err)
			}
			r.Keys = append(r.Keys, TrustKey{Name: path, Key: k})
		}
		p.Rules = append(p.Rules, r)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}
