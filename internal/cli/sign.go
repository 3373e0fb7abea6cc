package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/sign"
)

func newSignCmd(a *app) *cobra.Command {
	var (
		keyPath     string
		format      string
		annotations []string
		recursive   bool
		reg         registryFlags
	)
	cmd := &cobra.Command{
		Use:   "sign IMAGE --key KEY",
		Short: "Sign an image by digest, as cosign does",
		Long: `Sign the image IMAGE points to. A tag is resolved to the digest it points to
now and that digest is signed (the output says which); the signature is stored
in the image's repository in one of the two layouts cosign reads:

  --format bundle  (default, cosign v3) a Sigstore bundle v0.3 holding a DSSE
                   in-toto statement (predicate https://sigstore.dev/cosign/sign/v1),
                   attached as an OCI 1.1 referrer of the image; on registries
                   without the referrers API the sha256-<hex> tag index is kept.
  --format legacy  (cosign v2) a simple-signing payload as a layer of the image
                   tagged sha256-<hex>.sig, with the signature in the layer's
                   dev.cosignproject.cosign/signature annotation. Existing
                   signatures are kept.

Annotations (-a key=value) are signed with the payload and can be required by
sluice verify -a or cosign verify -a. Signing an index signs the index; with
--recursive each platform manifest is signed too.

Offline: no transparency log entry is made and no certificate is requested.
Verifiers use the public key (cosign verify --key cosign.pub
--insecure-ignore-tlog=true).

The key is a cosign.key (password from SLUICE_PASSWORD or COSIGN_PASSWORD, or a
prompt) or a plain PKCS#8 PEM key. Registry credentials come from the docker
config (~/.docker/config.json).

Exit codes: 0 signed, 2 usage, key or registry error.`,
		Example: `  sluice sign registry.example.com/app:1.4 --key cosign.key
  sluice sign registry.example.com/app@sha256:... --key cosign.key --format legacy -a env=prod
  sluice sign localhost:5000/app:multi --key cosign.key --recursive`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := sign.ParseFormat(format)
			if err != nil {
				return usageErrorf("--format: %v", err)
			}
			ann, err := parseAnnotations(annotations)
			if err != nil {
				return err
			}
			key, err := a.loadPrivateKey(keyPath)
			if err != nil {
				return err
			}
			signed, err := sign.Sign(cmd.Context(), args[0], key, sign.SignOptions{
				Registry: reg.registry(a), Format: f, Annotations: ann, Recursive: recursive, Logger: a.log,
			})
			w := cmd.OutOrStdout()
			if len(signed) > 0 {
				describeResolution(w, args[0], signed[0].Digest)
			}
			for _, s := range signed {
				kind := "image"
				if s.Digest != signed[0].Digest {
					kind = "platform manifest"
				} else if isIndexMediaType(s.MediaType) {
					kind = "index"
				}
				fmt.Fprintf(w, "Signed %s %s\n  format %s, key %s, stored at %s\n", kind, s.Image, s.Format, sign.KeyID(key.Public()), s.Location)
			}
			if err != nil {
				return err
			}
			if !a.quiet {
				fmt.Fprintln(w, offlineNote)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&keyPath, "key", "", "private key file (cosign.key or PKCS#8 PEM)")
	fl.StringVar(&format, "format", "bundle", "signature layout: bundle (cosign v3) or legacy (cosign v2 .sig tag)")
	fl.StringArrayVarP(&annotations, "annotation", "a", nil, "signed annotation key=value (repeatable)")
	fl.BoolVar(&recursive, "recursive", false, "for an index, sign each platform manifest too")
	reg.add(cmd)
	return cmd
}

func isIndexMediaType(mt string) bool {
	return mt == "application/vnd.oci.image.index.v1+json" || mt == "application/vnd.docker.distribution.manifest.list.v2+json"
}
