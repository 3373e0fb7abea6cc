package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/commitsig"
)

func newVerifyCommitsCmd(a *app) *cobra.Command {
	var opts commitsig.Options
	cmd := &cobra.Command{
		Use:   "verify-commits [RANGE]",
		Short: "Check that every commit in a range is signed by an allowed signer",
		Long: `Check that every commit in RANGE (default: all of HEAD's history) carries a
valid GPG or SSH signature from an allowed signer, as git itself verifies it.

Allowed SSH signers come from an allowed_signers file (the format of
ssh-keygen(1), the same file git's gpg.ssh.allowedSignersFile names); allowed
GPG signers are the keys in a GnuPG home. A commit that is unsigned, signed by
a key that is not allowed, expired, revoked or unverifiable fails the check.

Exit codes: 0 every commit verified, 1 at least one did not, 2 usage or git error.`,
		Example: `  # the commits a merge request adds
  sluice verify-commits origin/main..HEAD --allowed-signers .github/allowed_signers

  # GPG-signed history, keys in a dedicated keyring
  sluice verify-commits v1.2.0..HEAD --gpg-home ./keys/gnupg`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rangeSpec := ""
			if len(args) == 1 {
				rangeSpec = args[0]
			}
			commits, err := commitsig.Verify(cmd.Context(), rangeSpec, opts)
			if err != nil {
				return err
			}
			bad := 0
			w := cmd.OutOrStdout()
			for _, c := range commits {
				mark := "ok  "
				if !c.OK {
					mark = "FAIL"
					bad++
				}
				signer := ""
				if c.Signer != "" {
					signer = " [" + c.Signer + "]"
				}
				fmt.Fprintf(w, "%s %.12s %s: %s%s\n", mark, c.Hash, c.Subject, c.Reason, signer)
			}
			if bad > 0 {
				return failedf("%d of %d commits are not signed by an allowed signer", bad, len(commits))
			}
			fmt.Fprintf(w, "all %d commits signed by allowed signers\n", len(commits))
			return nil
		},
	}
	cmd.Flags().StringVar(&opts.AllowedSigners, "allowed-signers", "", "SSH allowed_signers file (ssh-keygen(1) format)")
	cmd.Flags().StringVar(&opts.GPGHome, "gpg-home", "", "GnuPG home whose keys are the allowed GPG signers")
	cmd.Flags().StringVarP(&opts.Dir, "repo", "C", "", "repository directory (default: current directory)")
	return cmd
}
