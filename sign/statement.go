package sign

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// In-toto statement types: sluice writes v1 and reads v0.1 (what cosign's
// attest still writes) as well.
const (
	StatementV1  = "https://in-toto.io/Statement/v1"
	StatementV01 = "https://in-toto.io/Statement/v0.1"
)

// CosignSignPredicateType is the predicate of a cosign v3 image signature in
// bundle form: an in-toto statement whose subject is the image digest.
const CosignSignPredicateType = "https://sigstore.dev/cosign/sign/v1"

// Statement is an in-toto Statement.
type Statement struct {
	Type          string          `json:"_type"`
	Subject       []Subject       `json:"subject"`
	PredicateType string          `json:"predicateType"`
	Predicate     json.RawMessage `json:"predicate"`
}

// Subject is a statement's ResourceDescriptor (the fields we use).
type Subject struct {
	Name        string            `json:"name,omitempty"`
	Digest      map[string]string `json:"digest"`
	Annotations map[string]any    `json:"annotations,omitempty"`
}

// PredicateTypes maps the --type names cosign accepts to predicate URIs.
var PredicateTypes = map[string]string{
	"custom":           "https://cosign.sigstore.dev/attestation/v1",
	"cyclonedx":        "https://cyclonedx.org/bom",
	"spdx":             "https://spdx.dev/Document",
	"spdxjson":         "https://spdx.dev/Document",
	"slsaprovenance":   "https://slsa.dev/provenance/v0.2",
	"slsaprovenance02": "https://slsa.dev/provenance/v0.2",
	"slsaprovenance1":  "https://slsa.dev/provenance/v1",
	"link":             "https://in-toto.io/Link/v1",
	"vuln":             "https://cosign.sigstore.dev/attestation/vuln/v1",
	"openvex":          "https://openvex.dev/ns",
}

// PredicateTypeURI turns a --type value (a name above or a URI) into the
// predicate type URI.
func PredicateTypeURI(t string) (string, error) {
	if t == "" {
		t = "custom"
	}
	if u, ok := PredicateTypes[t]; ok {
		return u, nil
	}
	if strings.Contains(t, "://") {
		return t, nil
	}
	return "", fmt.Errorf("unknown predicate type %q: want one of cyclonedx, spdx, spdxjson, vuln, slsaprovenance, slsaprovenance1, link, openvex, custom, or a URI", t)
}

// buildPredicate turns the predicate file into the statement's predicate as
// cosign does: custom wraps the text as {"Data", "Timestamp"}; every other
// type must be JSON (spdx tag-value text is kept as a JSON string).
func buildPredicate(typeURI string, raw []byte, now time.Time) (json.RawMessage, error) {
	if typeURI == PredicateTypes["custom"] {
		return json.Marshal(map[string]string{"Data": string(raw), "Timestamp": now.UTC().Format(time.RFC3339)})
	}
	if json.Valid(raw) {
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, err
		}
		if _, ok := v.(map[string]any); ok {
			return json.RawMessage(raw), nil
		}
	}
	if typeURI == PredicateTypes["spdx"] {
		return json.Marshal(string(raw))
	}
	return nil, fmt.Errorf("predicate for %s must be a JSON object", typeURI)
}

// newStatement builds a v1 statement about the image at digest.
func newStatement(name, digest, predicateType string, predicate json.RawMessage, annotations map[string]string) ([]byte, error) {
	algo, hex, ok := strings.Cut(digest, ":")
	if !ok {
		return nil, fmt.Errorf("malformed digest %q", digest)
	}
	s := Statement{
		Type:          StatementV1,
		Subject:       []Subject{{Name: name, Digest: map[string]string{algo: hex}}},
		PredicateType: predicateType,
		Predicate:     predicate,
	}
	if len(annotations) > 0 {
		s.Subject[0].Annotations = map[string]any{}
		for k, v := range annotations {
			s.Subject[0].Annotations[k] = v
		}
	}
	b, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("encode in-toto statement: %w", err)
	}
	return b, nil
}

// parseStatement decodes a statement and checks its type.
func parseStatement(b []byte) (*Statement, error) {
	var s Statement
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("payload is not an in-toto statement: %w", err)
	}
	if s.Type != StatementV1 && s.Type != StatementV01 {
		return nil, fmt.Errorf("statement _type is %q, want %s", s.Type, StatementV1)
	}
	return &s, nil
}

// subjectFor returns the statement's subject naming digest, or false.
func (s *Statement) subjectFor(digest string) (Subject, bool) {
	algo, hex, _ := strings.Cut(digest, ":")
	for _, sub := range s.Subject {
		if sub.Digest[algo] == hex {
			return sub, true
		}
	}
	return Subject{}, false
}

// subjectDigests lists the statement's subject digests for messages.
func (s *Statement) subjectDigests() string {
	var ds []string
	for _, sub := range s.Subject {
		for a, h := range sub.Digest {
			ds = append(ds, a+":"+h)
		}
	}
	return strings.Join(ds, ", ")
}
