package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/vulndb/artifact"
)

func newDBPushCmd(a *app) *cobra.Command {
	var o dbOptions
	var insecure bool
	cmd := &cobra.Command{
		Use:   "push REF",
		Short: "Upload the database to an OCI registry as an artifact",
		Long: `Push uploads the database file as the single layer of an OCI artifact
(config ` + string(artifact.ConfigMediaType) + `, layer ` + string(artifact.LayerMediaType) + `)
to REF, annotated with its build time, schema and advisory count. Credentials
come from the Docker config (docker login). Other pipelines then "db pull" it
from the internal registry instead of reaching the internet.`,
		Example: `  sluice db push registry.internal/security/sluice-db:latest`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := o.dbPath()
			if err != nil {
				return err
			}
			d, err := artifact.Push(cmd.Context(), p, args[0], artifact.Options{Insecure: insecure, Transport: a.transport("registry")})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "pushed %s to %s@%s\n", p, args[0], d)
			return nil
		},
	}
	addDBFlags(cmd, &o)
	cmd.Flags().BoolVar(&insecure, "insecure", false, "allow a plain-HTTP registry")
	return cmd
}

func newDBPullCmd(a *app) *cobra.Command {
	var o dbOptions
	var insecure bool
	cmd := &cobra.Command{
		Use:   "pull REF",
		Short: "Download the database from an OCI registry",
		Long: `Pull downloads a database pushed with "sluice db push", verifies the blob's
digest, checks that this sluice can read its schema, and renames it into
place. A failed pull leaves the existing database as it was.`,
		Example: `  sluice db pull registry.internal/security/sluice-db:latest`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := o.dbPath()
			if err != nil {
				return err
			}
			info, err := artifact.Pull(cmd.Context(), args[0], p, artifact.Options{Insecure: insecure, Transport: a.transport("registry")})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "pulled %s to %s: %d advisories, built %s\n", args[0], p, info.Advisories, info.Built.Format("2006-01-02T15:04:05Z07:00"))
			return nil
		},
	}
	addDBFlags(cmd, &o)
	cmd.Flags().BoolVar(&insecure, "insecure", false, "allow a plain-HTTP registry")
	return cmd
}
