package sign

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func pw(s string) PasswordFunc {
	return func(bool) ([]byte, error) { return []byte(s), nil }
}

func TestEncryptedKeyRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("four scrypt derivations (slow under -race); TestCosignGeneratedKey covers decryption in -short")
	}
	key, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	enc, err := EncryptPrivateKey(key, []byte("s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pem.Decode(enc)
	if b == nil || b.Type != PEMEncryptedSigstore {
		t.Fatalf("PEM type = %v, want %s", b, PEMEncryptedSigstore)
	}
	var env envelope
	if err := json.Unmarshal(b.Bytes, &env); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(scryptStandard, env.KDF.Params); diff != "" {
		t.Errorf("scrypt params (-want +got):\n%s", diff)
	}
	if !IsEncrypted(enc) {
		t.Error("IsEncrypted = false")
	}
	got, err := ParsePrivateKey(enc, pw("s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	if !got.(*ecdsa.PrivateKey).Equal(key) {
		t.Error("decrypted key differs from the original")
	}
	if _, err := ParsePrivateKey(enc, pw("wrong")); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("wrong password: err = %v, want ErrWrongPassword", err)
	}
	// The older PEM type name is read too.
	old := pem.EncodeToMemory(&pem.Block{Type: PEMEncryptedCosign, Bytes: b.Bytes})
	if _, err := ParsePrivateKey(old, pw("s3cret")); err != nil {
		t.Errorf("ENCRYPTED COSIGN PRIVATE KEY: %v", err)
	}
}

// TestCosignGeneratedKey reads a key pair made by `cosign generate-key-pair`
// (COSIGN_PASSWORD=sluice-test), checked in as testdata.
func TestCosignGeneratedKey(t *testing.T) {
	keyPEM, err := os.ReadFile(filepath.Join("testdata", "cosign-generated", "cosign.key"))
	if err != nil {
		t.Skipf("no cosign-generated fixture: %v", err)
	}
	pubPEM, err := os.ReadFile(filepath.Join("testdata", "cosign-generated", "cosign.pub"))
	if err != nil {
		t.Fatal(err)
	}
	key, err := ParsePrivateKey(keyPEM, pw("sluice-test"))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ParsePublicKey(pubPEM)
	if err != nil {
		t.Fatal(err)
	}
	if !pub.(*ecdsa.PublicKey).Equal(key.Public()) {
		t.Error("cosign.pub does not match cosign.key")
	}
	sig, err := signBytes(key, []byte("payload"))
	if err != nil {
		t.Fatal(err)
	}
	if err := verifyBytes(pub, []byte("payload"), sig); err != nil {
		t.Error(err)
	}
}

func TestParsePrivateKeyForms(t *testing.T) {
	ec, _ := GenerateKey()
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	pkcs8, _ := MarshalPrivateKeyPKCS8(ec)
	edPEM, _ := MarshalPrivateKeyPKCS8(edKey)
	sec1DER, _ := x509.MarshalECPrivateKey(ec)
	sec1 := pem.EncodeToMemory(&pem.Block{Type: PEMECPrivateKey, Bytes: sec1DER})
	pubPEM, _ := MarshalPublicKey(ec.Public())
	enc := mustEncrypt(t, ec)
	tests := []struct {
		name    string
		in      []byte
		wantErr string
	}{
		{name: "pkcs8-ecdsa", in: pkcs8},
		{name: "pkcs8-ed25519", in: edPEM},
		{name: "sec1-ec", in: sec1},
		{name: "not-pem", in: []byte("hello"), wantErr: "no PEM block"},
		{name: "public-key", in: pubPEM, wantErr: "not a private key"},
		{name: "encrypted-no-password", in: enc, wantErr: "no password source"},
		{name: "bad-params", in: tamperParams(t, enc), wantErr: "unexpected scrypt parameters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var pf PasswordFunc
			if strings.HasPrefix(tt.name, "bad") {
				pf = pw("x")
			}
			_, err := ParsePrivateKey(tt.in, pf)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && !strings.Contains(got, tt.wantErr) {
				t.Errorf("err = %q, want containing %q", got, tt.wantErr)
			}
		})
	}
}

func mustEncrypt(t *testing.T, k *ecdsa.PrivateKey) []byte {
	t.Helper()
	b, err := EncryptPrivateKey(k, []byte("pw"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func tamperParams(t *testing.T, in []byte) []byte {
	t.Helper()
	b, _ := pem.Decode(in)
	var env envelope
	if err := json.Unmarshal(b.Bytes, &env); err != nil {
		t.Fatal(err)
	}
	env.KDF.Params.N = 1 << 30
	body, _ := json.Marshal(env)
	return pem.EncodeToMemory(&pem.Block{Type: b.Type, Bytes: body})
}

func TestPublicKeyRoundTrip(t *testing.T) {
	k, _ := GenerateKey()
	p, err := MarshalPublicKey(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParsePublicKey(p)
	if err != nil {
		t.Fatal(err)
	}
	if !got.(*ecdsa.PublicKey).Equal(k.Public()) {
		t.Error("public key changed in round trip")
	}
	if KeyID(got) != KeyID(k.Public()) || len(KeyID(got)) != 16 {
		t.Errorf("KeyID = %q", KeyID(got))
	}
}

func FuzzParsePrivateKey(f *testing.F) {
	k, _ := GenerateKey()
	p8, _ := MarshalPrivateKeyPKCS8(k)
	f.Add(p8)
	f.Add([]byte("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\neyJrZGYiOnt9fQ==\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ParsePrivateKey(b, pw("x"))
	})
}

func FuzzParsePublicKey(f *testing.F) {
	k, _ := GenerateKey()
	p, _ := MarshalPublicKey(k.Public())
	f.Add(p)
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ParsePublicKey(b)
	})
}
