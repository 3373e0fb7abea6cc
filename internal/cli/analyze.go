package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/analysis"
	"github.com/sluice-dev/sluice/audit"
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/inventory/catalogers"
	"github.com/sluice-dev/sluice/secrets"
)

// analysisRequest says what one read of a target must produce. The zero
// value only lists the layers.
type analysisRequest struct {
	// Packages runs the catalogers: targetAnalysis.Inventory gets packages,
	// distro and unowned binaries.
	Packages bool
	// Secrets, when set, runs this scanner over the files as they are read:
	// targetAnalysis.Secrets, with the layer of each and those in files a
	// later layer deleted marked (and rated at least high).
	Secrets *secrets.Scanner
	// Audit records the file facts of the image checks and fills
	// targetAnalysis.Audit with them and the image's config and manifest
	// annotations. It needs an image: a directory target is an input error.
	Audit bool
	// NoCache keeps this run's layer results off disk even when the image
	// flags allow the cache (whole secrets under --show-secrets).
	NoCache bool
}

// targetAnalysis is what one read of a target produced.
type targetAnalysis struct {
	Target finding.Target
	// Inventory always lists an image's layers; the rest needs Packages.
	Inventory inventory.Inventory
	Secrets   []finding.Finding
	// Audit is the image as the audit checks see it (nil unless asked).
	Audit *audit.Image
	// Notes are about how the image was chosen (info) and entries that could
	// not be fully read (warnings).
	Notes []finding.Note
	// CachedLayers counts the layers whose results came from the cache.
	CachedLayers int
}

// analyzeTarget opens target (an image in any form, or a directory; see
// openTarget) and reads it once: a single analysis.Run, in which each layer
// is decompressed at most once (not at all when the layer cache has it) and
// every file is handed to whichever of the catalogers, the secrets scanner
// and the audit recorder req asks for. sbom, scan, secrets and audit read
// their targets through it, so asking for more in one call never costs
// another pass. Errors are input errors (exit 2) naming the target.
func (a *app) analyzeTarget(ctx context.Context, target string, img *imageFlags, req analysisRequest) (*targetAnalysis, error) {
	t, err := a.openTarget(ctx, target, img)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	if req.Audit && t.img == nil {
		return nil, usageErrorf("%s: the image checks read an image's configuration; this is a directory (give an image: oci-dir:, oci-archive:, docker-archive: or registry:)", target)
	}
	var analyzers []analysis.Analyzer
	if req.Packages {
		list := catalogers.All
		if a.catalogers != nil {
			list = a.catalogers
		}
		analyzers = append(analyzers, list()...)
	}
	if req.Secrets != nil {
		analyzers = append(analyzers, req.Secrets.Analyzer())
	}
	rep, stopProgress := a.startByteProgress(a.stdio.Err, "reading "+target)
	opts := a.analysisOptions(img, rep)
	if req.NoCache {
		opts.CacheDir = ""
	}
	if req.Audit {
		opts.Recorders = []analysis.Recorder{audit.Recorder()}
	}
	out, err := analysis.Run(ctx, t.src, analyzers, opts)
	stopProgress()
	if err != nil {
		return nil, usageErrorf("%s: %v", target, err)
	}
	meta := t.src.Metadata()
	res := &targetAnalysis{
		Target:       finding.Target{Kind: meta.Kind, Name: target, Digest: meta.Digest},
		Inventory:    *out.Inventory,
		CachedLayers: out.CachedLayers,
	}
	for _, n := range t.notes {
		res.Notes = append(res.Notes, finding.Note{Level: finding.NoteInfo, Message: n})
	}
	for _, n := range out.Notes {
		res.Notes = append(res.Notes, finding.Note{Level: finding.NoteWarning, Message: n})
	}
	for _, f := range out.Findings {
		// Catalogers report packages only; the kind check keeps a future
		// detector's findings out of the secrets list.
		if f.Kind == finding.KindSecret {
			res.Secrets = append(res.Secrets, f)
		}
	}
	if req.Audit {
		res.Audit = &audit.Image{Name: target, Config: t.img.Config, Annotations: t.img.Annotations, Files: out.Files}
	}
	return res, nil
}

// oneTarget is the argument check of the commands that read one target: a
// usage error (exit 2) that says what the argument is. what is "TARGET (an
// image or a directory)", say.
func oneTarget(command, what string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) != 1 {
			return usageErrorf("%s takes one %s, got %d arguments", command, what, len(args))
		}
		return nil
	}
}
