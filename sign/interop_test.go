package sign

// Interoperability with the real cosign and the CNCF distribution registry.
// Gated by SLUICE_INTEROP=1 because installing cosign from source takes
// minutes: the test `go install`s both tools (versions below) into
// $SLUICE_INTEROP_BIN (default: a sluice-interop folder in the user cache
// dir, so later runs reuse them), or uses SLUICE_COSIGN / SLUICE_REGISTRY
// when set.

import (
	"context"
	"crypto"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const (
	cosignModule   = "github.com/sigstore/cosign/v3/cmd/cosign@v3.1.3"
	registryModule = "github.com/distribution/distribution/v3/cmd/registry@v3.1.2"
)

// interopTool returns the path of a tool, installing it when needed.
func interopTool(t *testing.T, env, bin, module string) string {
	t.Helper()
	if p := os.Getenv(env); p != "" {
		return p
	}
	dir := os.Getenv("SLUICE_INTEROP_BIN")
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			t.Fatal(err)
		}
		dir = filepath.Join(cache, "sluice-interop", "bin")
	}
	p := filepath.Join(dir, bin)
	if _, err := os.Stat(p); err == nil {
		return p
	}
	start := time.Now()
	cmd := exec.Command("go", "install", module)
	cmd.Env = append(os.Environ(), "GOBIN="+dir, "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go install %s: %v\n%s", module, err, out)
	}
	t.Logf("installed %s in %s", module, time.Since(start).Round(time.Second))
	return p
}

// startDistribution runs the CNCF distribution registry on a free
// 127.0.0.1 port with in-memory storage and returns its host:port.
func startDistribution(t *testing.T, bin string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := filepath.Join(t.TempDir(), "config.yml")
	body := fmt.Sprintf("version: 0.1\nlog:\n  level: error\nstorage:\n  inmemory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: %s\n", addr)
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "serve", cfg)
	logPath := filepath.Join(t.TempDir(), "registry.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Env = append(os.Environ(), "OTEL_TRACES_EXPORTER=none", "OTEL_SDK_DISABLED=true")
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		logFile.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("distribution registry log:\n%s", b)
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + addr + "/v2/")
		if err == nil {
			resp.Body.Close()
			return addr
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("distribution registry did not answer on %s", addr)
	return ""
}

type cosignRunner struct {
	bin  string
	home string
}

// run calls cosign with the password in COSIGN_PASSWORD and fails the test
// when it does not exit 0.
func (c cosignRunner) run(t *testing.T, password string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Env = append(os.Environ(), "COSIGN_PASSWORD="+password, "HOME="+c.home, "SIGSTORE_NO_CACHE=true", "TUF_ROOT="+filepath.Join(c.home, "tuf"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("cosign %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// fails calls cosign and fails the test when it exits 0: the negative
// control that shows the checks above are real.
func (c cosignRunner) fails(t *testing.T, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+c.home, "TUF_ROOT="+filepath.Join(c.home, "tuf"))
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Fatalf("cosign %s succeeded, want a failure:\n%s", strings.Join(args, " "), out)
	}
}

func TestInteropCosign(t *testing.T) {
	if os.Getenv("SLUICE_INTEROP") != "1" {
		t.Skip("set SLUICE_INTEROP=1 to run the interoperability tests with the real cosign and distribution registry (installs them with go install)")
	}
	cosign := cosignRunner{bin: interopTool(t, "SLUICE_COSIGN", "cosign", cosignModule), home: t.TempDir()}
	dist := startDistribution(t, interopTool(t, "SLUICE_REGISTRY", "registry", registryModule))
	registries := map[string]string{
		"distribution":           dist,
		"ggcr-in-process":        testRegistry(t, false),
		"ggcr-in-process-refapi": testRegistry(t, true),
	}
	keys := t.TempDir()
	// A key made by sluice, written as cosign's encrypted PEM.
	ours := writeKeyPair(t, keys, "sluice", "sluice-pw")
	// A key made by cosign.
	cosign.run(t, "cosign-pw", "generate-key-pair", "--output-key-prefix", filepath.Join(keys, "cosign"))
	theirs := filepath.Join(keys, "cosign")
	theirKey := loadKey(t, theirs+".key", "cosign-pw")
	theirPub := loadPub(t, theirs+".pub")
	ourKey := loadKey(t, ours+".key", "sluice-pw")
	ourPub := loadPub(t, ours+".pub")
	bom := filepath.Join(keys, "bom.json")
	bomJSON := []byte(`{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"type":"library","name":"zlib","version":"1.3.1"}]}`)
	if err := os.WriteFile(bom, bomJSON, 0o644); err != nil {
		t.Fatal(err)
	}
	verifyArgs := []string{"--insecure-ignore-tlog=true", "--allow-http-registry"}
	signArgs := []string{"--tlog-upload=false", "--use-signing-config=false", "--allow-http-registry", "-y"}

	for rname, host := range registries {
		t.Run(rname, func(t *testing.T) {
			t.Run("cosign-verifies-sluice", func(t *testing.T) {
				for _, f := range []Format{FormatBundle, FormatLegacy} {
					ref := host + "/ours/" + string(f) + ":1"
					d := pushImage(t, ref)
					img := host + "/ours/" + string(f) + "@" + d.String()
					if _, err := Sign(ctx(t), ref, ourKey, SignOptions{Format: f, Annotations: map[string]string{"env": "prod"}}); err != nil {
						t.Fatal(err)
					}
					if _, err := Attest(ctx(t), ref, bomJSON, ourKey, AttestOptions{Format: f, Type: "cyclonedx"}); err != nil {
						t.Fatal(err)
					}
					extra := []string{}
					if f == FormatLegacy {
						extra = append(extra, "--new-bundle-format=false")
					}
					out := cosign.run(t, "", append(append([]string{"verify", "--key", ours + ".pub", "-a", "env=prod"}, append(verifyArgs, extra...)...), img)...)
					if !strings.Contains(out, d.String()) {
						t.Errorf("%s: cosign verify output lacks the digest:\n%s", f, out)
					}
					cosign.run(t, "", append(append([]string{"verify-attestation", "--key", ours + ".pub", "--type", "cyclonedx"}, append(verifyArgs, extra...)...), img)...)
					// The other key, or an annotation never signed, must fail.
					cosign.fails(t, append(append([]string{"verify", "--key", theirs + ".pub"}, append(verifyArgs, extra...)...), img)...)
					cosign.fails(t, append(append([]string{"verify", "--key", ours + ".pub", "-a", "env=dev"}, append(verifyArgs, extra...)...), img)...)
				}
			})
			t.Run("sluice-verifies-cosign", func(t *testing.T) {
				for _, f := range []Format{FormatBundle, FormatLegacy} {
					ref := host + "/theirs/" + string(f) + ":1"
					d := pushImage(t, ref)
					img := host + "/theirs/" + string(f) + "@" + d.String()
					extra := []string{}
					if f == FormatLegacy {
						extra = append(extra, "--new-bundle-format=false")
					}
					cosign.run(t, "cosign-pw", append(append([]string{"sign", "--key", theirs + ".key", "-a", "team=platform"}, append(signArgs, extra...)...), img)...)
					cosign.run(t, "cosign-pw", append(append([]string{"attest", "--key", theirs + ".key", "--type", "cyclonedx", "--predicate", bom}, append(signArgs, extra...)...), img)...)
					v, err := Verify(ctx(t), img, theirPub, VerifyOptions{Annotations: map[string]string{"team": "platform"}})
					if err != nil {
						t.Fatal(err)
					}
					if len(v.Verified()) != 1 || v.Verified()[0].Form != f {
						t.Errorf("%s: sluice verified %d cosign signatures; candidates %+v", f, len(v.Verified()), v.Candidates)
					}
					a, err := VerifyAttestations(ctx(t), img, theirPub, VerifyOptions{PredicateType: "cyclonedx"})
					if err != nil {
						t.Fatal(err)
					}
					if len(a.Verified()) != 1 {
						t.Errorf("%s: sluice verified %d cosign attestations; candidates %+v", f, len(a.Verified()), a.Candidates)
					}
					// The other key must not verify cosign's signature.
					if v, _ := Verify(ctx(t), img, ourPub, VerifyOptions{}); v != nil && len(v.Verified()) != 0 {
						t.Errorf("%s: a wrong key verified a cosign signature", f)
					}
				}
			})
			t.Run("keys-cross-over", func(t *testing.T) {
				// sluice signs with cosign's key; cosign signs with sluice's key.
				ref := host + "/keys/app:1"
				d := pushImage(t, ref)
				img := host + "/keys/app@" + d.String()
				if _, err := Sign(ctx(t), ref, theirKey, SignOptions{}); err != nil {
					t.Fatal(err)
				}
				cosign.run(t, "", append([]string{"verify", "--key", theirs + ".pub"}, append(verifyArgs, img)...)...)
				cosign.run(t, "sluice-pw", append([]string{"sign", "--key", ours + ".key"}, append(signArgs, img)...)...)
				v, err := Verify(ctx(t), img, ourPub, VerifyOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if len(v.Verified()) != 1 {
					t.Errorf("sluice verified %d signatures cosign made with a sluice key", len(v.Verified()))
				}
			})
		})
	}
	t.Run("promote-distribution-to-ggcr", func(t *testing.T) {
		src := dist + "/promote/app:rc1"
		pushIndex(t, src)
		if _, err := Sign(ctx(t), src, ourKey, SignOptions{Recursive: true}); err != nil {
			t.Fatal(err)
		}
		policy := &TrustPolicy{Rules: []TrustRule{{Images: []string{dist + "/promote/*"}, Keys: []TrustKey{{Name: "sluice.pub", Key: ourPub}}}}}
		dst := registries["ggcr-in-process-refapi"] + "/prod/app:1.0"
		p, err := Promote(ctx(t), src, dst, PromoteOptions{Policy: policy})
		if err != nil {
			t.Fatal(err)
		}
		cosign.run(t, "", append([]string{"verify", "--key", ours + ".pub"}, append(verifyArgs, registries["ggcr-in-process-refapi"]+"/prod/app@"+p.Digest)...)...)
	})
}

func writeKeyPair(t *testing.T, dir, prefix, password string) string {
	t.Helper()
	k, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	enc, err := EncryptPrivateKey(k, []byte(password))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := MarshalPublicKey(k.Public())
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, prefix)
	if err := os.WriteFile(p+".key", enc, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p+".pub", pub, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func loadKey(t *testing.T, path, password string) crypto.Signer {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParsePrivateKey(b, pw(password))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return k
}

func loadPub(t *testing.T, path string) crypto.PublicKey {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParsePublicKey(b)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return k
}
