package cli

import (
	"context"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/analysis"
	"github.com/sluice-dev/sluice/image"
	"github.com/sluice-dev/sluice/progress"
	"github.com/sluice-dev/sluice/source"
)

// imageFlags are the flags of every command that opens an image target.
type imageFlags struct {
	platform string
	tag      string
	insecure bool
	cacheDir string
	noCache  bool
}

// addImageFlags registers --platform, --tag, --insecure, --cache-dir and --no-cache.
func addImageFlags(cmd *cobra.Command, o *imageFlags) {
	f := cmd.Flags()
	f.StringVar(&o.platform, "platform", "", "platform to pick from a multi-platform image, os/arch[/variant] (default "+image.DefaultPlatform+")")
	f.StringVar(&o.tag, "tag", "", "image to pick from an archive or OCI layout holding several (e.g. app:1.2)")
	f.BoolVar(&o.insecure, "insecure", false, "allow plain HTTP to a registry on localhost")
	f.StringVar(&o.cacheDir, "cache-dir", "", "per-layer result cache (default $XDG_CACHE_HOME/sluice/layers)")
	f.BoolVar(&o.noCache, "no-cache", false, "neither read nor write the layer cache")
}

// layerCacheDir is where analysis results per layer are kept, "" for none.
func (o *imageFlags) layerCacheDir() string {
	if o.noCache {
		return ""
	}
	if o.cacheDir != "" {
		return o.cacheDir
	}
	dir, err := os.UserCacheDir() // $XDG_CACHE_HOME, else ~/.cache
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "sluice", "layers")
}

// openedTarget is a target opened as a source.
type openedTarget struct {
	src   source.Source
	img   *image.Image // nil for directories
	notes []string
}

func (t *openedTarget) Close() error {
	if t.img != nil {
		return t.img.Close()
	}
	return nil
}

// openTarget turns a target string into a source: an image in any form, or
// a directory. Errors are input errors (exit 2).
func (a *app) openTarget(ctx context.Context, target string, o *imageFlags) (*openedTarget, error) {
	t, err := image.ParseTarget(target)
	if err != nil {
		return nil, usageErrorf("%v", err)
	}
	switch {
	case t.Kind == image.KindDir:
		if fi, err := os.Stat(t.Path); err != nil || !fi.IsDir() {
			return nil, usageErrorf("dir:%s is not a directory", t.Path)
		}
		return &openedTarget{src: source.NewDir(t.Path)}, nil
	case t.IsImage():
		if o.insecure && t.Kind != image.KindRegistry {
			a.log.Warn("--insecure applies to registries only", "target", target)
		}
		img, err := image.OpenTarget(ctx, t, image.Options{Platform: o.platform, Tag: o.tag, Insecure: o.insecure, Transport: a.transport("image registry")})
		if err != nil {
			return nil, usageErrorf("open %s: %v", target, err)
		}
		return &openedTarget{src: source.NewImage(img, image.LayerOptions{}), img: img, notes: img.Notes}, nil
	default:
		return nil, usageErrorf("target %s: this command reads images and directories, not %s targets", target, t.Kind)
	}
}

// analysisOptions are the driver options from the image flags, with
// progress on stderr when it is a terminal.
func (a *app) analysisOptions(o *imageFlags, rep progress.Reporter) analysis.Options {
	return analysis.Options{CacheDir: o.layerCacheDir(), Log: a.log, Progress: rep}
}
