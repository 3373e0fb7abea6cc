package cli

import (
	"crypto"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/sign"
)

// Shared flags and helpers of keygen, sign, verify, attest, verify-attestation
// and promote.

// passwordEnv are the variables a key password is read from, in order.
var passwordEnv = []string{"SLUICE_PASSWORD", "COSIGN_PASSWORD"}

// passwordFunc reads a key password from SLUICE_PASSWORD / COSIGN_PASSWORD,
// or prompts on the terminal; never from a flag.
func (a *app) passwordFunc() sign.PasswordFunc {
	return func(confirm bool) ([]byte, error) {
		for _, name := range passwordEnv {
			if v, ok := os.LookupEnv(name); ok {
				return []byte(v), nil
			}
		}
		f, ok := a.stdio.In.(*os.File)
		if !ok || !term.IsTerminal(int(f.Fd())) {
			return nil, usageErrorf("the key is encrypted: set SLUICE_PASSWORD (or COSIGN_PASSWORD), or run on a terminal to be prompted")
		}
		fmt.Fprint(a.stdio.Err, "Enter password for private key: ")
		pw, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.stdio.Err)
		if err != nil {
			return nil, err
		}
		if confirm {
			fmt.Fprint(a.stdio.Err, "Enter password for private key again: ")
			again, err := term.ReadPassword(int(f.Fd()))
			fmt.Fprintln(a.stdio.Err)
			if err != nil {
				return nil, err
			}
			if string(again) != string(pw) {
				return nil, usageErrorf("passwords do not match")
			}
		}
		return pw, nil
	}
}

// readKeyFile reads a key file, bounded.
func readKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usageErrorf("read key: %v", err)
	}
	defer f.Close()
	b, err := safeio.ReadAll(f, 64<<10, path)
	if err != nil {
		return nil, usageErrorf("read key %s: %v", path, err)
	}
	return b, nil
}

// loadPrivateKey reads --key.
func (a *app) loadPrivateKey(path string) (crypto.Signer, error) {
	if path == "" {
		return nil, usageErrorf("--key is required: a cosign.key (encrypted) or PKCS#8 private key file (make one with sluice keygen)")
	}
	b, err := readKeyFile(path)
	if err != nil {
		return nil, err
	}
	k, err := sign.ParsePrivateKey(b, a.passwordFunc())
	if err != nil {
		return nil, usageErrorf("private key %s: %v", path, err)
	}
	return k, nil
}

// loadPublicKey reads --key for verification.
func loadPublicKey(path string) (crypto.PublicKey, error) {
	if path == "" {
		return nil, usageErrorf("--key is required: the signer's public key file (cosign.pub)")
	}
	b, err := readKeyFile(path)
	if err != nil {
		return nil, err
	}
	k, err := sign.ParsePublicKey(b)
	if err != nil {
		return nil, usageErrorf("public key %s: %v", path, err)
	}
	return k, nil
}

// registryFlags are the flags of every command that talks to a registry.
type registryFlags struct {
	insecure bool
}

func (r *registryFlags) add(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&r.insecure, "insecure", false, "allow plain HTTP and unverified TLS (localhost and 127.0.0.1 registries only)")
}

func (r *registryFlags) registry(a *app) sign.Registry {
	return sign.Registry{Insecure: r.insecure, Transport: a.transport("registry")}
}

// parseAnnotations turns repeated -a key=value into a map.
func parseAnnotations(in []string) (map[string]string, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for _, kv := range in {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, usageErrorf("-a %q: want key=value", kv)
		}
		out[k] = v
	}
	return out, nil
}

// offlineNote is printed after every signing: nothing was logged publicly.
const offlineNote = "Offline: no transparency log entry was made; verify with the public key " +
	"(cosign: --key cosign.pub --insecure-ignore-tlog=true)."

// describeResolution says which digest a tag resolved to.
func describeResolution(w io.Writer, ref, digest string) {
	if strings.Contains(ref, "@") {
		return
	}
	fmt.Fprintf(w, "%s resolves to %s; signing by digest.\n", ref, digest)
}
