package sign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
)

// signBytes signs data as cosign does: ECDSA and RSA (PKCS#1 v1.5) over its
// SHA-256 digest, Ed25519 over the data itself.
func signBytes(key crypto.Signer, data []byte) ([]byte, error) {
	switch key.Public().(type) {
	case ed25519.PublicKey:
		return key.Sign(rand.Reader, data, crypto.Hash(0))
	case *ecdsa.PublicKey, *rsa.PublicKey:
		sum := sha256.Sum256(data)
		return key.Sign(rand.Reader, sum[:], crypto.SHA256)
	default:
		return nil, fmt.Errorf("unsupported signing key type %T", key.Public())
	}
}

// errBadSignature is the reason given when a signature does not match.
var errBadSignature = errors.New("signature does not match the public key (wrong key, or the payload was changed)")

// verifyBytes checks sig over data with pub.
func verifyBytes(pub crypto.PublicKey, data, sig []byte) error {
	switch pub := pub.(type) {
	case *ecdsa.PublicKey:
		sum := sha256.Sum256(data)
		if !ecdsa.VerifyASN1(pub, sum[:], sig) {
			return errBadSignature
		}
	case ed25519.PublicKey:
		if !ed25519.Verify(pub, data, sig) {
			return errBadSignature
		}
	case *rsa.PublicKey:
		sum := sha256.Sum256(data)
		if rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig) != nil {
			return errBadSignature
		}
	default:
		return fmt.Errorf("unsupported public key type %T", pub)
	}
	return nil
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// unb64 decodes standard base64, with or without padding, and URL-safe base64
// (DSSE allows either).
func unb64(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("not valid base64")
}
