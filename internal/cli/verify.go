package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/sign"
)

func newVerifyCmd(a *app) *cobra.Command {
	var (
		keyPath     string
		annotations []string
		explain     bool
		output      string
		reg         registryFlags
	)
	cmd := &cobra.Command{
		Use:   "verify IMAGE --key PUB",
		Short: "Verify an image's cosign signatures with a public key",
		Long: `Find the signatures of the image IMAGE points to, in both layouts cosign
writes (Sigstore bundle referrers, and the legacy sha256-<hex>.sig tag), and
check each one: the signature against the public key, that the signed payload
names this image's digest (a signature copied from another image, or left
behind when a tag moved, is refused), and that it carries every annotation
asked for with -a key=value.

It prints the signatures that verified and, with --explain, why each other one
did not. Offline: no transparency log is consulted; trust comes from the key.

Exit codes: 0 at least one signature verified, 1 none did, 2 usage, key or
registry error.`,
		Example: `  sluice verify registry.example.com/app:1.4 --key cosign.pub
  sluice verify registry.example.com/app@sha256:... --key cosign.pub -a env=prod --explain
  sluice verify localhost:5000/app:1.4 --key cosign.pub -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "text" && output != "json" {
				return usageErrorf("--output %q: want text or json", output)
			}
			ann, err := parseAnnotations(annotations)
			if err != nil {
				return err
			}
			pub, err := loadPublicKey(keyPath)
			if err != nil {
				return err
			}
			v, err := sign.Verify(cmd.Context(), args[0], pub, sign.VerifyOptions{Registry: reg.registry(a), Annotations: ann, Logger: a.log})
			if err != nil {
				return err
			}
			return writeVerification(cmd.OutOrStdout(), v, output, explain, "signature", pub)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&keyPath, "key", "", "public key file (cosign.pub, PKIX PEM)")
	fl.StringArrayVarP(&annotations, "annotation", "a", nil, "require annotation key=value (repeatable)")
	fl.BoolVar(&explain, "explain", false, "say why each signature that did not verify was rejected")
	fl.StringVarP(&output, "output", "o", "text", "output: text or json")
	reg.add(cmd)
	return cmd
}

// writeVerification prints a verification and decides the exit code.
func writeVerification(w io.Writer, v *sign.Verification, output string, explain bool, what string, pub any) error {
	ok := v.Verified()
	if output == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			return err
		}
	} else {
		if !strings.Contains(v.Ref, "@") {
			fmt.Fprintf(w, "%s resolves to %s\n", v.Ref, v.Digest)
		}
		for _, c := range ok {
			fmt.Fprintf(w, "Verified %s (%s) at %s", what, c.Form, c.Location)
			if c.PredicateType != "" && what != "signature" {
				fmt.Fprintf(w, ", predicate %s", c.PredicateType)
			}
			if len(c.Annotations) > 0 {
				fmt.Fprintf(w, ", annotations %s", formatAnnotations(c.Annotations))
			}
			fmt.Fprintln(w)
		}
		rejected := len(v.Candidates) - len(ok)
		switch {
		case len(v.Candidates) == 0:
			fmt.Fprintf(w, "No %ss found for %s.\n", what, v.Image)
			if !strings.Contains(v.Ref, "@") {
				fmt.Fprintf(w, "(%s points to %s now; %ss of any digest it pointed to before do not count.)\n", v.Ref, v.Digest, what)
			}
		case explain:
			for _, c := range v.Candidates {
				if !c.Verified {
					fmt.Fprintf(w, "Rejected %s (%s) at %s: %s\n", what, c.Form, c.Location, c.Reason)
				}
			}
		case rejected > 0:
			fmt.Fprintf(w, "%d other %s(s) did not verify (--explain says why).\n", rejected, what)
		}
		fmt.Fprintln(w, "Offline: no transparency log was consulted; trust comes from the public key.")
	}
	if len(ok) == 0 {
		return failedf("no %s of %s verified with the given key", what, v.Image)
	}
	return nil
}

func formatAnnotations(m map[string]string) string {
	var parts []string
	for k, v := range m {
		parts = append(parts, k+"="+v)
	}
	sortStrings(parts)
	return strings.Join(parts, ",")
}
