package sign

import (
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
)

// BundleMediaType is the media type of a Sigstore bundle v0.3, used as the
// referrer's artifactType and the layer's media type.
const BundleMediaType = "application/vnd.dev.sigstore.bundle.v0.3+json"

// Bundle is the JSON form of a Sigstore bundle (protobuf-specs
// sigstore_bundle.proto), with the fields a key-based offline bundle uses.
type Bundle struct {
	MediaType            string               `json:"mediaType"`
	VerificationMaterial verificationMaterial `json:"verificationMaterial"`
	DSSEEnvelope         *Envelope            `json:"dsseEnvelope,omitempty"`
	MessageSignature     *messageSignature    `json:"messageSignature,omitempty"`
}

type verificationMaterial struct {
	PublicKey   *publicKeyID      `json:"publicKey,omitempty"`
	Certificate json.RawMessage   `json:"certificate,omitempty"`
	TlogEntries []json.RawMessage `json:"tlogEntries,omitempty"`
}

type publicKeyID struct {
	Hint string `json:"hint,omitempty"`
}

type messageSignature struct {
	MessageDigest *struct {
		Algorithm string `json:"algorithm"`
		Digest    string `json:"digest"`
	} `json:"messageDigest,omitempty"`
	Signature string `json:"signature"`
}

// newDSSEBundle signs statement with key and wraps it in a bundle. No
// transparency log entry: the bundle is verified by key alone.
func newDSSEBundle(key crypto.Signer, statement []byte) ([]byte, error) {
	env, err := signEnvelope(key, InTotoPayloadType, statement)
	if err != nil {
		return nil, err
	}
	b := Bundle{
		MediaType:            BundleMediaType,
		VerificationMaterial: verificationMaterial{PublicKey: &publicKeyID{Hint: keyHint(key.Public())}},
		DSSEEnvelope:         env,
	}
	out, err := json.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("encode bundle: %w", err)
	}
	return out, nil
}

// parseBundle decodes a bundle and returns its DSSE envelope; message
// signature bundles cannot say which image they sign and are refused.
func parseBundle(raw []byte) (*Bundle, error) {
	var b Bundle
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, fmt.Errorf("not a Sigstore bundle: %w", err)
	}
	switch {
	case b.DSSEEnvelope != nil:
		if b.DSSEEnvelope.Payload == "" {
			return nil, errors.New("bundle DSSE envelope has no payload")
		}
		return &b, nil
	case b.MessageSignature != nil:
		return nil, errors.New("bundle holds a message signature, which names no image: cosign signs images with DSSE statements")
	default:
		return nil, errors.New("bundle holds neither a DSSE envelope nor a message signature")
	}
}
