package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
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
where it came from, the fixed versions, and the evidence of the match
("sluice explain" prints it).

TARGET is sbom:FILE (a CycloneDX or SPDX JSON SBOM from any tool),
inventory:FILE (a sluice inventory JSON), or a path to either.

Severity is the distro's own rating for distro packages (Debian urgency,
AlmaLinux/Red Hat rating), else the CVSS v4/v3/v2 base score, else unknown;
each finding says which. --vex FILE applies OpenVEX statements: not_affected
and fixed suppress a finding (it stays in JSON with "suppressed"), other
statuses are shown. The table groups findings by package.

Exit codes: 0 no active finding at or above --fail-on, 1 findings at or
above it, 2 usage or input error (missing database, unreadable target).`,
		Example: `  sluice scan sbom:app.cdx.json
  sluice scan sbom:app.spdx.json --fail-on high --ignore-unfixed
  sluice scan inventory:inv.json -f json -o report.json --vex app.vex.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.out.validate(); err != nil {
				return err
			}
			ctx := cmd.Context()
			inv, kind, err := loadTarget(args[0])
			if err != nil {
				return err
			}
			s, err := o.db.open(ctx, a)
			if err != nil {
				return usageErrorf("%v", err)
			}
			defer s.Close()
			res, err := scanInventory(ctx, a, s, inv, finding.Target{Kind: kind, Name: args[0]}, o)
			if err != nil {
				return err
			}
			return a.writeScan(cmd, &o.out, res)
		},
	}
	addOutputFlags(cmd, &o.out, "table", "json")
	addDBFlags(cmd, &o.db)
	cmd.Flags().BoolVar(&o.ignoreUnfixed, "ignore-unfixed", false, "leave out vulnerabilities that have no fixed version")
	cmd.Flags().StringArrayVar(&o.vexFiles, "vex", nil, "OpenVEX document whose not_affected/fixed statements suppress findings (repeatable)")
	return cmd
}

// loadTarget reads the inventory a TARGET names. Images and directories
// come through the catalogers (sluice sbom) and reach scanInventory the same
// way once those engines are wired in.
func loadTarget(target string) (inventory.Inventory, string, error) {
	scheme, rest, ok := strings.Cut(target, ":")
	if !ok {
		return readInventoryFile(target)
	}
	switch scheme {
	case "sbom", "inventory":
		inv, _, err := readInventoryFile(rest)
		return inv, scheme, err
	case "dir", "oci-dir", "docker-archive", "oci-archive", "registry", "git":
		return inventory.Inventory{}, "", usageErrorf("scan %s: this build scans SBOMs and inventories; write one first with `sluice sbom %s -f cyclonedx -o sbom.json`, then `sluice scan sbom:sbom.json`", target, target)
	}
	return readInventoryFile(target)
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

// writeScan renders the table grouped by package, or hands other formats to
// the shared writer.
func (a *app) writeScan(cmd *cobra.Command, o *outputOptions, res finding.Result) error {
	if o.format != "table" {
		return a.writeResult(cmd, o, res)
	}
	res.Tool = finding.Tool{Name: "sluice", Version: readBuildInfo().Version}
	res.Normalize()
	sev, set, _ := o.failThreshold()
	res.Decision.Pass = !(set && res.AtOrAbove(sev))
	if err := a.emit(cmd, o, func(w io.Writer) error { return writeVulnTable(w, res) }); err != nil {
		return err
	}
	if !res.Decision.Pass {
		return errFailed
	}
	return nil
}

// writeVulnTable prints findings grouped by package, most severe first.
func writeVulnTable(w io.Writer, res finding.Result) error {
	type group struct {
		key   string
		items []finding.Finding
	}
	var groups []*group
	byKey := map[string]*group{}
	for _, f := range res.Findings {
		if f.Package == nil {
			continue
		}
		k := f.Package.Name + " " + f.Package.Version
		if f.Package.Ecosystem != "" {
			k += " (" + f.Package.Ecosystem + ")"
		}
		g := byKey[k]
		if g == nil {
			g = &group{key: k}
			byKey[k] = g
			groups = append(groups, g)
		}
		g.items = append(g.items, f)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, g := range groups {
		fmt.Fprintf(tw, "%s\n", g.key)
		for _, f := range g.items {
			fix := "-"
			if f.Fix != nil {
				fix = strings.Join(f.Fix.Versions, ", ")
			}
			state := ""
			if f.Suppressed != nil {
				state = " [suppressed: " + f.Suppressed.Kind + " " + f.Suppressed.Reason + "]"
			}
			title := f.Title
			if len(title) > 70 {
				title = title[:67] + "..."
			}
			fmt.Fprintf(tw, "  %s\t%s\tfixed: %s\t%s%s\n", strings.ToUpper(f.Severity.String()), f.Rule, fix, title, state)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	s := res.Summary
	fmt.Fprintf(w, "\n%d vulnerabilities in %d packages: %d critical, %d high, %d medium, %d low, %d info, %d unknown",
		s.Total(), len(groups), s.Critical, s.High, s.Medium, s.Low, s.Info, s.Unknown)
	if s.Suppressed > 0 {
		fmt.Fprintf(w, "; %d suppressed", s.Suppressed)
	}
	fmt.Fprintln(w)
	for _, n := range res.Notes {
		fmt.Fprintf(w, "%s: %s\n", n.Level, n.Message)
	}
	for _, r := range res.Decision.Reasons {
		fmt.Fprintf(w, "fail: %s\n", r)
	}
	return nil
}
