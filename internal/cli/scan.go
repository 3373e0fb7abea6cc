package cli

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/match"
	"github.com/sluice-dev/sluice/vulndb"
)

// scanOptions are the flags of sluice scan.
type scanOptions struct {
	out           outputOptions
	db            dbOptions
	image         imageFlags
	ignoreUnfixed bool
	vexFiles      []string
}

func newScanCmd(a *app) *cobra.Command {
	var o scanOptions
	cmd := &cobra.Command{
		Use:   "scan TARGET",
		Short: "Find known vulnerabilities of a target's packages",
		Long: `Scan matches every package of TARGET against the offline advisory database
(see "sluice db") with each ecosystem's own version ordering, and reports one
finding per vulnerability and package, with all its IDs, its severity and
where it came from (the file and image layer), the fixed versions, and the
evidence of the match ("sluice explain" prints it).

TARGET is an image in any form or a directory, cataloged as "sluice sbom"
does (each layer read once and cached by diffID), or a file:
  oci-dir:PATH, oci-archive:FILE, docker-archive:FILE, registry:REF, dir:PATH
  sbom:FILE             a CycloneDX or SPDX JSON SBOM from any tool
  inventory:FILE        a sluice inventory (sluice sbom -f json)
Without a scheme the kind is detected as for "sluice sbom"; a JSON file is
read as an SBOM or inventory. An image and the CycloneDX SBOM "sluice sbom"
wrote for it give the same findings.

Severity is the distro's own rating for distro packages (Debian urgency,
AlmaLinux/Red Hat rating), else the CVSS v4/v3/v2 base score, else unknown;
each finding says which. --vex FILE applies OpenVEX statements: not_affected
and fixed suppress a finding (it stays in JSON with "suppressed"), other
statuses are shown. Accepted findings in the exceptions ledger
(.sluiceignore) are suppressed the same way.

Exit codes: 0 no active finding at or above --fail-on, 1 findings at or
above it, 2 usage or input error (missing database, unreadable target).`,
		Example: `  sluice scan oci-dir:build/image --fail-on high
  sluice scan registry:localhost:5000/app:1.2 --insecure -f sarif -o scan.sarif
  sluice scan sbom:app.cdx.json
  sluice scan sbom:app.spdx.json --fail-on high --ignore-unfixed
  sluice scan inventory:inv.json -f json -o report.json --vex app.vex.json`,
		Args: oneTarget("scan", "TARGET (an image, a directory, or an SBOM or inventory file)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.out.validate(); err != nil {
				return err
			}
			ctx := cmd.Context()
			// The database first: a missing one fails before an image is read.
			s, err := o.db.open(ctx, a)
			if err != nil {
				return usageErrorf("%v", err)
			}
			defer s.Close()
			res, err := a.scanTarget(ctx, s, args[0], o)
			if err != nil {
				return err
			}
			return a.writeResult(cmd, &o.out, res)
		},
	}
	addOutputFlags(cmd, &o.out, findingFormats()...)
	addDBFlags(cmd, &o.db)
	addImageFlags(cmd, &o.image)
	cmd.Flags().BoolVar(&o.ignoreUnfixed, "ignore-unfixed", false, "leave out vulnerabilities that have no fixed version")
	cmd.Flags().StringArrayVar(&o.vexFiles, "vex", nil, "OpenVEX document whose not_affected/fixed statements suppress findings (repeatable)")
	return cmd
}

// scanTarget reads a target (an image, a directory, an SBOM or inventory
// file) and matches it: scan, explain and attest --scan share it.
func (a *app) scanTarget(ctx context.Context, s *vulndb.Store, target string, o scanOptions) (finding.Result, error) {
	inv, t, notes, err := a.scanInput(ctx, target, &o.image)
	if err != nil {
		return finding.Result{}, err
	}
	res, err := scanInventory(ctx, a, s, inv, t, o)
	if err != nil {
		return finding.Result{}, err
	}
	res.Notes = append(notes, res.Notes...)
	return res, nil
}

// scanInventory is the hook every target kind ends in: match an inventory
// against the database, apply --ignore-unfixed and VEX, and describe the
// database in the result.
func scanInventory(ctx context.Context, a *app, s *vulndb.Store, inv inventory.Inventory, target finding.Target, o scanOptions) (finding.Result, error) {
	mr, err := match.Match(ctx, inv, s, match.Options{Logger: a.log})
	if err != nil {
		return finding.Result{}, err
	}
	res := finding.Result{Target: target, Notes: mr.Notes}
	for _, f := range mr.Findings {
		if o.ignoreUnfixed && f.Fix == nil {
			continue
		}
		res.Findings = append(res.Findings, f)
	}
	for _, p := range o.vexFiles {
		f, err := os.Open(p)
		if err != nil {
			return res, usageErrorf("--vex: %v", err)
		}
		data, err := safeio.ReadAll(f, 64<<20, p)
		f.Close()
		if err != nil {
			return res, usageErrorf("--vex: %v", err)
		}
		v, err := match.ParseVEX(p, data)
		if err != nil {
			return res, usageErrorf("--vex: %v", err)
		}
		v.Apply(res.Findings)
	}
	info := s.Info()
	for _, si := range info.Sources {
		ds := finding.DataSource{Name: si.Name, Records: si.Records, Built: info.Built.Format(time.RFC3339), Location: info.Path}
		if !si.Modified.IsZero() {
			ds.Updated = si.Modified.Format(time.RFC3339)
		}
		res.Sources = append(res.Sources, ds)
	}
	if age := time.Since(info.Built); o.db.maxAge > 0 && age > o.db.maxAge {
		res.Notes = append(res.Notes, finding.Note{Level: finding.NoteWarning,
			Message: fmt.Sprintf("advisory database built %s ago, older than --db-max-age %s", age.Round(time.Hour), o.db.maxAge)})
	}
	res.Notes = append(res.Notes, finding.Note{Level: finding.NoteInfo,
		Message: fmt.Sprintf("%d packages matched against %d advisories (database built %s)", len(inv.Packages), info.Advisories, info.Built.Format(time.RFC3339))})
	return res, nil
}
