package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/analysis"
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/sbom"
)

// inventorySchema names the native JSON of `sluice sbom -f json`.
const inventorySchema = "sluice.inventory/v1"

// inventoryDoc is the native inventory JSON: the target, its distro, layers
// with their build steps, packages with the layer that brought them, the
// executables and libraries no package accounts for, and notes.
type inventoryDoc struct {
	Schema string         `json:"schema"`
	Tool   finding.Tool   `json:"tool"`
	Target finding.Target `json:"target"`
	inventory.Inventory
	Notes []string `json:"notes,omitempty"`
}

type sbomOptions struct {
	out   outputOptions
	image imageFlags
}

func newSbomCmd(a *app) *cobra.Command {
	o := &sbomOptions{}
	cmd := &cobra.Command{
		Use:   "sbom TARGET",
		Short: "List what an image or directory contains, layer by layer",
		Long: `List every package of an image (or the lockfiles of a directory), with the
layer that brought it and that layer's build step (history created_by), the
distro, and the executables and shared libraries no package accounts for:
what a distroless or scratch image hides. Silence never means safety: the
table ends with that count.

TARGET is an image in any form, read without a Docker daemon, or a directory:
  oci-dir:PATH          OCI image layout directory
  oci-archive:FILE      OCI layout packed in a tar
  docker-archive:FILE   docker save output (--tag picks one of several images)
  registry:REF          a registry reference (also a bare host/repo:tag)
  dir:PATH              a directory
Without a scheme the kind is detected: a directory with an oci-layout file,
a tar file by its contents, an existing directory, else a registry reference.

Each layer is read once, layers in parallel, and what was found in a layer is
cached by its diffID (--cache-dir, default $XDG_CACHE_HOME/sluice/layers), so
a rescan, or a scan of an image sharing a base, reads only new layers.

Formats: table (packages grouped by type), json (native inventory,
schema sluice.inventory/v1), cyclonedx (CycloneDX 1.6 JSON) and spdx (SPDX
2.3 JSON). The SBOM formats keep each package's layer and the image's
layers in sluice:… properties, so "sluice scan sbom:FILE" of an SBOM
written here finds what "sluice scan" of the image finds; it is also what
"sluice attest --type cyclonedx" signs.

Exit codes: 0 the inventory was written, 2 the target could not be read
(the message names the file or layer and the problem).`,
		Example: `  sluice sbom docker-archive:app.tar
  sluice sbom oci-dir:build/image -f cyclonedx -o app.cdx.json
  sluice sbom oci-dir:build/image -f json -o inventory.json
  sluice sbom registry:localhost:5000/app:1.2 --insecure --platform linux/arm64 -f spdx
  sluice sbom images.tar --tag app:1.2 --no-cache
  sluice sbom dir:.`,
		Args: oneTarget("sbom", "TARGET (an image or a directory)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.out.validate(); err != nil {
				return err
			}
			ta, err := a.analyzeTarget(cmd.Context(), args[0], &o.image, analysisRequest{Packages: true})
			if err != nil {
				return err
			}
			doc := inventoryDoc{
				Schema:    inventorySchema,
				Tool:      finding.Tool{Name: "sluice", Version: readBuildInfo().Version},
				Target:    ta.Target,
				Inventory: ta.Inventory,
			}
			for _, n := range ta.Notes {
				doc.Notes = append(doc.Notes, n.Message)
			}
			if doc.Packages == nil {
				doc.Packages = []inventory.Package{}
			}
			for i := range doc.Packages {
				doc.Packages[i].Files = nil // ownership data, kept in the cache only
			}
			return a.emit(cmd, &o.out, func(w io.Writer) error {
				switch o.out.format {
				case "json":
					enc := json.NewEncoder(w)
					enc.SetIndent("", "  ")
					return enc.Encode(doc)
				case "cyclonedx", "spdx":
					return sbom.Encode(w, sbom.Format(o.out.format), sbom.Document{Target: doc.Target, Tool: doc.Tool, Inventory: doc.Inventory})
				}
				return writeInventoryTable(w, &doc)
			})
		},
	}
	addOutputFlags(cmd, &o.out, "table", "json", string(sbom.CycloneDX), string(sbom.SPDX))
	cmd.Flags().Lookup("fail-on").Hidden = true // an inventory has no findings to fail on
	addImageFlags(cmd, &o.image)
	return cmd
}

// writeInventoryTable renders the inventory for a terminal: the target, the
// layers with their build steps, packages grouped by type with their layer,
// and the unowned binaries.
func writeInventoryTable(w io.Writer, doc *inventoryDoc) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "Target:\t%s (%s)\n", doc.Target.Name, doc.Target.Kind)
	if doc.Target.Digest != "" {
		fmt.Fprintf(tw, "Digest:\t%s\n", doc.Target.Digest)
	}
	if d := doc.Distro; d != nil {
		name := d.ID + " " + d.VersionID
		if d.Codename != "" {
			name += " (" + d.Codename + ")"
		}
		fmt.Fprintf(tw, "Distro:\t%s\n", name)
	}
	tw.Flush()
	if len(doc.Layers) > 0 {
		fmt.Fprintf(w, "\nLayers (%d)\n", len(doc.Layers))
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  #\tSIZE\tPACKAGES\tCREATED BY")
		perLayer := map[int]int{}
		for _, p := range doc.Packages {
			if len(p.Locations) > 0 {
				perLayer[p.Locations[0].LayerIndex]++
			}
		}
		for _, l := range doc.Layers {
			fmt.Fprintf(tw, "  %d\t%s\t%d\t%s\n", l.Index, humanBytes(l.Size), perLayer[l.Index], truncate(l.CreatedBy, 80))
		}
		tw.Flush()
	}
	fmt.Fprintf(w, "\nPackages (%d)\n", len(doc.Packages))
	if len(doc.Packages) == 0 {
		fmt.Fprintln(w, "  none found by the catalogers that ran")
	}
	for _, group := range groupByType(doc.Packages) {
		fmt.Fprintf(w, "\n  %s (%d)\n", group[0].Type, len(group))
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "    NAME\tVERSION\tLAYER\tFROM")
		for _, p := range group {
			layer, from := "-", ""
			if len(p.Locations) > 0 {
				loc := p.Locations[0]
				from = loc.Path
				if loc.Layer != "" {
					layer = fmt.Sprint(loc.LayerIndex)
					if loc.LayerIndex < len(doc.Layers) && doc.Layers[loc.LayerIndex].CreatedBy != "" {
						from = truncate(doc.Layers[loc.LayerIndex].CreatedBy, 50)
					}
				}
			}
			fmt.Fprintf(tw, "    %s\t%s\t%s\t%s\n", p.Name, p.Version, layer, from)
		}
		tw.Flush()
	}
	fmt.Fprintf(w, "\nUnowned executables and shared libraries: %d\n", doc.UnownedCount)
	if doc.UnownedCount > 0 {
		fmt.Fprintln(w, "  No cataloged package accounts for these files, so no vulnerability")
		fmt.Fprintln(w, "  check can cover them: silence about them never means safety.")
		tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		const shown = 20
		for i, u := range doc.Unowned {
			if i == shown {
				break
			}
			fmt.Fprintf(tw, "    %s\t%s\tlayer %d\t%s\n", u.Path, u.Kind, u.LayerIndex, humanBytes(u.Size))
		}
		tw.Flush()
		if doc.UnownedCount > shown {
			fmt.Fprintf(w, "    … and %d more (-f json lists up to %d)\n", doc.UnownedCount-min(shown, len(doc.Unowned)), analysis.DefaultMaxUnowned)
		}
	}
	if len(doc.Notes) > 0 {
		fmt.Fprintf(w, "\nNotes (%d)\n", len(doc.Notes))
		for i, n := range doc.Notes {
			if i == 20 {
				fmt.Fprintf(w, "  … and %d more (-f json lists them all)\n", len(doc.Notes)-20)
				break
			}
			fmt.Fprintf(w, "  %s\n", n)
		}
	}
	return nil
}

// groupByType splits sorted packages into runs of one type.
func groupByType(pkgs []inventory.Package) [][]inventory.Package {
	var out [][]inventory.Package
	for i := 0; i < len(pkgs); {
		j := i
		for j < len(pkgs) && pkgs[j].Type == pkgs[i].Type {
			j++
		}
		out = append(out, pkgs[i:j])
		i = j
	}
	return out
}

func truncate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
