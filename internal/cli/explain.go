package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

func newExplainCmd(a *app) *cobra.Command {
	var o scanOptions
	var target string
	cmd := &cobra.Command{
		Use:   "explain ID --target TARGET",
		Short: "Show why a vulnerability was (or was not) reported for a target",
		Long: `Explain scans TARGET and prints, for every finding whose ID or alias is ID,
the chain that produced it: the package as found, the identity used to look
it up (ecosystem, source package, version), each advisory with its source and
the range or fixed version that decided, how the severity was chosen, and any
VEX statement. When nothing matched, it lists the advisories the database has
under that ID and the packages they name, so a missed match can be checked.`,
		Example: `  sluice explain CVE-2023-2650 --target sbom:alpine.cdx.json
  sluice explain CVE-2022-48174 --target oci-dir:build/image
  sluice explain GO-2023-2102 --target inventory:inv.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if target == "" {
				return usageErrorf("explain: --target is required")
			}
			ctx := cmd.Context()
			id := args[0]
			s, err := o.db.open(ctx, a)
			if err != nil {
				return usageErrorf("%v", err)
			}
			defer s.Close()
			res, err := a.scanTarget(ctx, s, target, o)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			n := 0
			for _, f := range res.Findings {
				if !strings.EqualFold(f.Rule, id) && !slices.ContainsFunc(f.Aliases, func(x string) bool { return strings.EqualFold(x, id) }) {
					continue
				}
				n++
				fmt.Fprintf(w, "%s in %s %s: %s\n", f.Rule, f.Package.Name, f.Package.Version, strings.ToUpper(f.Severity.String()))
				if len(f.Aliases) > 0 {
					fmt.Fprintf(w, "  also known as: %s\n", strings.Join(f.Aliases, ", "))
				}
				if f.Location.Path != "" {
					fmt.Fprintf(w, "  found at:      %s\n", f.Location.Path)
				}
				for _, e := range f.Evidence {
					fmt.Fprintf(w, "  %-14s %s\n", e.Name+":", e.Value)
				}
				if f.Fix != nil {
					fmt.Fprintf(w, "  fixed in:      %s\n", strings.Join(f.Fix.Versions, ", "))
				}
				if f.Suppressed != nil {
					fmt.Fprintf(w, "  suppressed:    %s %s\n", f.Suppressed.Kind, f.Suppressed.Reason)
				}
				fmt.Fprintln(w)
			}
			if n > 0 {
				return nil
			}
			fmt.Fprintf(w, "%s: not reported for %s\n", id, target)
			advs, err := s.Get(ctx, id)
			if err != nil {
				return err
			}
			if len(advs) == 0 {
				fmt.Fprintf(w, "  the database has no advisory with this ID or alias\n")
				return nil
			}
			for _, adv := range advs {
				fmt.Fprintf(w, "  %s %s names:\n", adv.Source, adv.ID)
				for _, af := range adv.Affected {
					fmt.Fprintf(w, "    %s/%s\n", af.Package.Ecosystem, af.Package.Name)
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&target, "target", "", "the target to explain the finding for (as for sluice scan)")
	addDBFlags(cmd, &o.db)
	cmd.Flags().StringArrayVar(&o.vexFiles, "vex", nil, "OpenVEX document to apply, as for sluice scan")
	addImageFlags(cmd, &o.image)
	return cmd
}
