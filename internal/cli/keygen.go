package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/internal/atomicfile"
	"github.com/sluice-dev/sluice/sign"
)

// writeBytes is an atomicfile writer of fixed content.
func writeBytes(b []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	}
}

func newKeygenCmd(a *app) *cobra.Command {
	var prefix string
	var force bool
	cmd := &cobra.Command{
		Use:   "keygen",
		Short: "Create a cosign-compatible key pair (PREFIX.key encrypted, PREFIX.pub)",
		Long: `Create an ECDSA P-256 key pair in cosign's formats: PREFIX.key holds the
private key encrypted with cosign's envelope (scrypt + nacl/secretbox, PEM
type ENCRYPTED SIGSTORE PRIVATE KEY) and PREFIX.pub the PKIX public key.
cosign reads both files, and sluice reads keys made by cosign.

The password comes from SLUICE_PASSWORD or COSIGN_PASSWORD, or is asked for
twice on the terminal; it is never a flag. An empty password is allowed (as
in cosign) but not advised.

Exit codes: 0 written, 2 usage error or the files exist (use --force).`,
		Example: `  SLUICE_PASSWORD=... sluice keygen
  sluice keygen --output-key-prefix release`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			keyPath, pubPath := prefix+".key", prefix+".pub"
			if !force {
				for _, p := range []string{keyPath, pubPath} {
					if _, err := os.Stat(p); err == nil {
						return usageErrorf("%s exists: refusing to overwrite a key (use --force)", p)
					} else if !errors.Is(err, fs.ErrNotExist) {
						return usageErrorf("%s: %v", p, err)
					}
				}
			}
			pw, err := a.passwordFunc()(true)
			if err != nil {
				return err
			}
			key, err := sign.GenerateKey()
			if err != nil {
				return err
			}
			enc, err := sign.EncryptPrivateKey(key, pw)
			if err != nil {
				return err
			}
			pub, err := sign.MarshalPublicKey(key.Public())
			if err != nil {
				return err
			}
			if err := atomicfile.Write(keyPath, 0o600, writeBytes(enc)); err != nil {
				return fmt.Errorf("write %s: %w", keyPath, err)
			}
			if err := atomicfile.Write(pubPath, 0o644, writeBytes(pub)); err != nil {
				return fmt.Errorf("write %s: %w", pubPath, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Private key written to %s (encrypted)\nPublic key written to %s (key id %s)\n", keyPath, pubPath, sign.KeyID(key.Public()))
			return nil
		},
	}
	cmd.Flags().StringVar(&prefix, "output-key-prefix", "cosign", "write PREFIX.key and PREFIX.pub")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite existing key files")
	return cmd
}
