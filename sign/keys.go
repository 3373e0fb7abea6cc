package sign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/nacl/secretbox"
	"golang.org/x/crypto/scrypt"
)

// PEM block types of the keys sign reads and writes.
const (
	// PEMEncryptedSigstore is what cosign (v2 and later) writes for an
	// encrypted private key, and what keygen writes.
	PEMEncryptedSigstore = "ENCRYPTED SIGSTORE PRIVATE KEY"
	// PEMEncryptedCosign is what older cosign releases wrote; still read.
	PEMEncryptedCosign = "ENCRYPTED COSIGN PRIVATE KEY"
	// PEMPrivateKey is an unencrypted PKCS#8 private key.
	PEMPrivateKey = "PRIVATE KEY"
	// PEMECPrivateKey is an unencrypted SEC 1 EC private key (openssl ecparam).
	PEMECPrivateKey = "EC PRIVATE KEY"
	// PEMPublicKey is a PKIX public key.
	PEMPublicKey = "PUBLIC KEY"
)

// maxKeyFile bounds a key file read from disk or a flag.
const maxKeyFile = 64 << 10

// ErrWrongPassword is returned (wrapped) when an encrypted key does not open
// with the password given.
var ErrWrongPassword = errors.New("wrong password for the encrypted private key (or the key file is corrupt)")

// PasswordFunc supplies the password of an encrypted key. confirm asks the
// caller to read it twice (when creating a key).
type PasswordFunc func(confirm bool) ([]byte, error)

// scryptParams are the KDF parameters of cosign's envelope. Only the sets the
// reference implementation accepts are read, so a tampered file cannot make
// us burn arbitrary memory or CPU.
type scryptParams struct {
	N int `json:"N"`
	R int `json:"r"`
	P int `json:"p"`
}

var (
	scryptLegacy   = scryptParams{N: 1 << 15, R: 8, P: 1}
	scryptStandard = scryptParams{N: 1 << 16, R: 8, P: 1}
	scryptOWASP    = scryptParams{N: 1 << 17, R: 8, P: 1}
)

// envelope is the JSON inside an ENCRYPTED SIGSTORE PRIVATE KEY block: the
// secure-systems-lab "encrypted" format (scrypt KDF, nacl/secretbox cipher).
// []byte fields are standard base64 in JSON, as in the reference.
type envelope struct {
	KDF struct {
		Name   string       `json:"name"`
		Params scryptParams `json:"params"`
		Salt   []byte       `json:"salt"`
	} `json:"kdf"`
	Cipher struct {
		Name  string `json:"name"`
		Nonce []byte `json:"nonce"`
	} `json:"cipher"`
	Ciphertext []byte `json:"ciphertext"`
}

// GenerateKey makes a new ECDSA P-256 key, cosign's default.
func GenerateKey() (*ecdsa.PrivateKey, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate ECDSA P-256 key: %w", err)
	}
	return k, nil
}

// EncryptPrivateKey encodes key as PKCS#8 and seals it in cosign's encrypted
// PEM envelope (scrypt N=2^16 r=8 p=1, nacl/secretbox), PEM type
// ENCRYPTED SIGSTORE PRIVATE KEY.
func EncryptPrivateKey(key crypto.Signer, password []byte) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encode private key as PKCS#8: %w", err)
	}
	var env envelope
	env.KDF.Name = "scrypt"
	env.KDF.Params = scryptStandard
	env.KDF.Salt = make([]byte, 32)
	env.Cipher.Name = "nacl/secretbox"
	env.Cipher.Nonce = make([]byte, 24)
	if _, err := io.ReadFull(rand.Reader, env.KDF.Salt); err != nil {
		return nil, fmt.Errorf("random salt: %w", err)
	}
	if _, err := io.ReadFull(rand.Reader, env.Cipher.Nonce); err != nil {
		return nil, fmt.Errorf("random nonce: %w", err)
	}
	boxKey, err := deriveKey(password, env.KDF.Salt, env.KDF.Params)
	if err != nil {
		return nil, err
	}
	var nonce [24]byte
	copy(nonce[:], env.Cipher.Nonce)
	env.Ciphertext = secretbox.Seal(nil, der, &nonce, boxKey)
	body, err := json.Marshal(env)
	if err != nil {
		return nil, fmt.Errorf("encode key envelope: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: PEMEncryptedSigstore, Bytes: body}), nil
}

func deriveKey(password, salt []byte, p scryptParams) (*[32]byte, error) {
	k, err := scrypt.Key(password, salt, p.N, p.R, p.P, 32)
	if err != nil {
		return nil, fmt.Errorf("derive key with scrypt: %w", err)
	}
	var out [32]byte
	copy(out[:], k)
	return &out, nil
}

// decryptEnvelope opens the JSON envelope of an encrypted key block.
func decryptEnvelope(body, password []byte) ([]byte, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("encrypted key envelope is not valid JSON: %w", err)
	}
	if env.KDF.Name != "scrypt" {
		return nil, fmt.Errorf("encrypted key: unsupported KDF %q (want scrypt)", env.KDF.Name)
	}
	if env.Cipher.Name != "nacl/secretbox" {
		return nil, fmt.Errorf("encrypted key: unsupported cipher %q (want nacl/secretbox)", env.Cipher.Name)
	}
	switch env.KDF.Params {
	case scryptLegacy, scryptStandard, scryptOWASP:
	default:
		return nil, fmt.Errorf("encrypted key: unexpected scrypt parameters N=%d r=%d p=%d", env.KDF.Params.N, env.KDF.Params.R, env.KDF.Params.P)
	}
	if len(env.Cipher.Nonce) != 24 {
		return nil, fmt.Errorf("encrypted key: nonce is %d bytes, want 24", len(env.Cipher.Nonce))
	}
	boxKey, err := deriveKey(password, env.KDF.Salt, env.KDF.Params)
	if err != nil {
		return nil, err
	}
	var nonce [24]byte
	copy(nonce[:], env.Cipher.Nonce)
	der, ok := secretbox.Open(nil, env.Ciphertext, &nonce, boxKey)
	if !ok {
		return nil, ErrWrongPassword
	}
	return der, nil
}

// IsEncrypted reports whether a PEM file holds an encrypted private key, so
// a caller asks for a password only when one is needed.
func IsEncrypted(pemBytes []byte) bool {
	b, _ := pem.Decode(pemBytes)
	return b != nil && (b.Type == PEMEncryptedSigstore || b.Type == PEMEncryptedCosign)
}

// ParsePrivateKey reads a private key PEM: cosign's encrypted envelope (either
// PEM type), PKCS#8 or SEC 1 EC. password is called only for an encrypted key.
// The key must be ECDSA, Ed25519 or RSA.
func ParsePrivateKey(pemBytes []byte, password PasswordFunc) (crypto.Signer, error) {
	if len(pemBytes) > maxKeyFile {
		return nil, fmt.Errorf("private key is %d bytes, more than %d: not a key file", len(pemBytes), maxKeyFile)
	}
	b, _ := pem.Decode(pemBytes)
	if b == nil {
		return nil, errors.New("no PEM block found: want a cosign or PKCS#8 private key")
	}
	var der []byte
	switch b.Type {
	case PEMEncryptedSigstore, PEMEncryptedCosign:
		if password == nil {
			return nil, errors.New("the private key is encrypted and no password source was given")
		}
		pw, err := password(false)
		if err != nil {
			return nil, fmt.Errorf("read password: %w", err)
		}
		der, err = decryptEnvelope(b.Bytes, pw)
		if err != nil {
			return nil, err
		}
	case PEMPrivateKey:
		der = b.Bytes
	case PEMECPrivateKey:
		k, err := x509.ParseECPrivateKey(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse EC private key: %w", err)
		}
		return k, nil
	default:
		return nil, fmt.Errorf("PEM block %q is not a private key sluice reads (want %q, %q or %q)", b.Type, PEMEncryptedSigstore, PEMEncryptedCosign, PEMPrivateKey)
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("parse PKCS#8 private key: %w", err)
	}
	switch k := k.(type) {
	case *ecdsa.PrivateKey:
		return k, nil
	case ed25519.PrivateKey:
		return k, nil
	case *rsa.PrivateKey:
		return k, nil
	default:
		return nil, fmt.Errorf("unsupported private key type %T", k)
	}
}

// MarshalPrivateKeyPKCS8 writes an unencrypted PKCS#8 PEM (for tests and for
// keys kept in a secret store that encrypts them itself).
func MarshalPrivateKeyPKCS8(key crypto.Signer) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encode private key as PKCS#8: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: PEMPrivateKey, Bytes: der}), nil
}

// MarshalPublicKey writes a PKIX PUBLIC KEY PEM, as cosign's .pub files.
func MarshalPublicKey(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("encode public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: PEMPublicKey, Bytes: der}), nil
}

// ParsePublicKey reads a PKIX PUBLIC KEY PEM (cosign.pub).
func ParsePublicKey(pemBytes []byte) (crypto.PublicKey, error) {
	if len(pemBytes) > maxKeyFile {
		return nil, fmt.Errorf("public key is %d bytes, more than %d: not a key file", len(pemBytes), maxKeyFile)
	}
	b, _ := pem.Decode(pemBytes)
	if b == nil {
		return nil, errors.New("no PEM block found: want a PUBLIC KEY block (cosign.pub)")
	}
	if b.Type != PEMPublicKey {
		return nil, fmt.Errorf("PEM block %q is not a public key (want %q)", b.Type, PEMPublicKey)
	}
	pub, err := x509.ParsePKIXPublicKey(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse PKIX public key: %w", err)
	}
	switch pub.(type) {
	case *ecdsa.PublicKey, ed25519.PublicKey, *rsa.PublicKey:
		return pub, nil
	default:
		return nil, fmt.Errorf("unsupported public key type %T", pub)
	}
}

// KeyID is a short, stable name of a public key for output: the first 16 hex
// digits of the SHA-256 of its PKIX DER.
func KeyID(pub crypto.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "unknown"
	}
	sum := sha256.Sum256(der)
	return fmt.Sprintf("%x", sum[:8])
}

// keyHint is the bundle's publicKey.hint: base64 of the SHA-256 of the PKIX
// DER, as sigstore-go computes it for a key pair.
func keyHint(pub crypto.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(der)
	return b64(sum[:])
}
