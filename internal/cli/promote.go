package cli

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/sign"
)

func newPromoteCmd(a *app) *cobra.Command {
	var (
		keys         []string
		threshold    int
		annotations  []string
		attestations []string
		force        bool
		output       string
		reg          registryFlags
	)
	cmd := &cobra.Command{
		Use:   "promote SRC DST --key PUB",
		Short: "Copy an image by digest, with its signatures, once the trust policy passes",
		Long: `Resolve SRC to its digest, check the trust policy for it, then copy that digest
to DST: every platform of an index, and the signatures and attestations of each
manifest (legacy .sig/.att tags merged into any at DST, bundle referrers
re-attached, with the referrers tag fallback where DST has no referrers API).

The trust policy is built from the flags: every --key must have signed SRC
(or --threshold of them), with the -a annotations, and each --attestation type
must be attested by one of the keys. Nothing is copied when it fails.

DST may be a tag in the same repository ("promote by tagging"), a tag in
another repository or registry ("promote to another registry"), a digest, or a
bare repository (copied by digest, no tag). An existing DST tag that points to
another digest is never moved unless --force: tags are treated as immutable.

Registry credentials come from the docker config; --insecure is accepted for
localhost and 127.0.0.1 registries only.

Exit codes: 0 promoted, 1 the trust policy refused SRC or DST's tag points
elsewhere, 2 usage, key or registry error.`,
		Example: `  sluice promote registry.example.com/staging/app:rc3 registry.example.com/prod/app:1.4 --key release.pub
  sluice promote registry.example.com/app:rc3 registry.example.com/app:1.4 --key release.pub --key qa.pub
  sluice promote localhost:5000/app:rc3 ghcr.io/org/app:1.4 --key release.pub --attestation cyclonedx`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "text" && output != "json" {
				return usageErrorf("--output %q: want text or json", output)
			}
			if len(keys) == 0 {
				return usageErrorf("--key is required: promote copies only images the trust policy accepts (the public keys that must have signed SRC)")
			}
			ann, err := parseAnnotations(annotations)
			if err != nil {
				return err
			}
			rule := sign.TrustRule{Name: "promote", Images: []string{"**"}, Threshold: threshold, Annotations: ann, Attestations: attestations}
			for _, k := range keys {
				pub, err := loadPublicKey(k)
				if err != nil {
					return err
				}
				rule.Keys = append(rule.Keys, sign.TrustKey{Name: k, Key: pub})
			}
			policy := &sign.TrustPolicy{Rules: []sign.TrustRule{rule}}
			if err := policy.Validate(); err != nil {
				return usageErrorf("%v", err)
			}
			p, err := sign.Promote(cmd.Context(), args[0], args[1], sign.PromoteOptions{
				Registry: reg.registry(a), Policy: policy, Force: force, Logger: a.log,
			})
			w := cmd.OutOrStdout()
			if output == "json" && p != nil {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				if jerr := enc.Encode(p); jerr != nil {
					return jerr
				}
			}
			switch {
			case errors.Is(err, sign.ErrPolicy):
				if output == "text" {
					fmt.Fprintf(w, "Refused %s (%s):\n", args[0], p.Digest)
					for _, r := range p.Decision.Reasons {
						fmt.Fprintf(w, "  - %s\n", r)
					}
				}
				return failedf("trust policy refused %s: nothing was copied", p.Source)
			case errors.Is(err, sign.ErrTagExists):
				return failedf("%v", err)
			case err != nil:
				return err
			}
			if output == "text" {
				fmt.Fprintf(w, "Trust policy passed for %s\n", p.Source)
				fmt.Fprintf(w, "Promoted %s to %s\n", p.Source, p.Destination)
				for _, c := range p.Copied {
					fmt.Fprintf(w, "  copied %s\n", c)
				}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&keys, "key", nil, "public key that must have signed SRC (repeatable)")
	fl.IntVar(&threshold, "threshold", 0, "how many of the --key keys must have signed (0: all)")
	fl.StringArrayVarP(&annotations, "annotation", "a", nil, "signatures must carry annotation key=value (repeatable)")
	fl.StringArrayVar(&attestations, "attestation", nil, "predicate type that must be attested by one of the keys (repeatable)")
	fl.BoolVar(&force, "force", false, "move a DST tag that points to another digest")
	fl.StringVarP(&output, "output", "o", "text", "output: text or json")
	reg.add(cmd)
	return cmd
}
