package sign

import (
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// InTotoPayloadType is the DSSE payload type of an in-toto statement.
const InTotoPayloadType = "application/vnd.in-toto+json"

// Envelope is a DSSE envelope (JSON serialisation).
type Envelope struct {
	PayloadType string         `json:"payloadType"`
	Payload     string         `json:"payload"` // base64
	Signatures  []EnvSignature `json:"signatures"`
}

// EnvSignature is one signature of an envelope.
type EnvSignature struct {
	KeyID string `json:"keyid"`
	Sig   string `json:"sig"` // base64
}

// PAE is DSSE's pre-authentication encoding: what is actually signed.
func PAE(payloadType string, payload []byte) []byte {
	b := make([]byte, 0, 32+len(payloadType)+len(payload))
	b = append(b, "DSSEv1 "...)
	b = strconv.AppendInt(b, int64(len(payloadType)), 10)
	b = append(b, ' ')
	b = append(b, payloadType...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(len(payload)), 10)
	b = append(b, ' ')
	b = append(b, payload...)
	return b
}

// signEnvelope wraps payload in a DSSE envelope signed by key.
func signEnvelope(key crypto.Signer, payloadType string, payload []byte) (*Envelope, error) {
	sig, err := signBytes(key, PAE(payloadType, payload))
	if err != nil {
		return nil, fmt.Errorf("sign DSSE envelope: %w", err)
	}
	return &Envelope{
		PayloadType: payloadType,
		Payload:     b64(payload),
		Signatures:  []EnvSignature{{Sig: b64(sig)}},
	}, nil
}

// verifyEnvelope returns the payload when at least one signature verifies.
func verifyEnvelope(pub crypto.PublicKey, env *Envelope) ([]byte, error) {
	payload, err := unb64(env.Payload)
	if err != nil {
		return nil, fmt.Errorf("DSSE payload: %w", err)
	}
	if len(env.Signatures) == 0 {
		return nil, errors.New("DSSE envelope has no signatures")
	}
	pae := PAE(env.PayloadType, payload)
	var last error
	for _, s := range env.Signatures {
		sig, err := unb64(s.Sig)
		if err != nil {
			last = fmt.Errorf("DSSE signature: %w", err)
			continue
		}
		if err := verifyBytes(pub, pae, sig); err != nil {
			last = err
			continue
		}
		return payload, nil
	}
	return nil, last
}

// parseEnvelope decodes a DSSE envelope JSON.
func parseEnvelope(b []byte) (*Envelope, error) {
	var env Envelope
	if err := json.Unmarshal(b, &env); err != nil {
		return nil, fmt.Errorf("not a DSSE envelope: %w", err)
	}
	if env.PayloadType == "" || env.Payload == "" {
		return nil, errors.New("not a DSSE envelope: payloadType or payload missing")
	}
	return &env, nil
}
