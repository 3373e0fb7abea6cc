package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/vulndb/importer/feeds"
	"github.com/sluice-dev/sluice/vulndb/update"
)

func newDBUpdateCmd(a *app) *cobra.Command {
	var o dbOptions
	var srcFlags []string
	var sourcesFile string
	var allowHTTP bool
	var retries int
	cmd := &cobra.Command{
		Use:   "update",
		Short: "Download the configured advisory feeds and rebuild the database",
		Long: `Update downloads every configured feed over HTTPS into a cache beside the
database (revalidating with ETag and If-Modified-Since, so unchanged feeds are
not downloaded again), retries transient failures, verifies the size and, when
configured, the SHA-256 of each download, then rebuilds the database into a
temporary file and renames it into place. A failed or interrupted update
leaves the previous database and cache as they were.

Sources come from --source NAME=URL (repeatable; add ",sha256=HEX" or
",format=NAME" after the URL), or a JSON file given by --sources
([{"name":…,"url":…,"format":…,"sha256":…}]); without either, the public
OSV, Debian tracker and Alpine secdb feeds are used. Point sources at an
internal mirror for air-gapped networks.`,
		Example: `  sluice db update
  sluice db update --source osv-go=https://mirror.example.com/osv/Go/all.zip
  sluice db update --sources feeds.json --db /var/lib/sluice/sluice.db`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := o.dbPath()
			if err != nil {
				return err
			}
			sources, err := parseSources(srcFlags, sourcesFile)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return fmt.Errorf("create %s: %w", filepath.Dir(p), err)
			}
			cache := filepath.Join(filepath.Dir(p), "feeds")
			res, err := update.Run(cmd.Context(), p, cache, sources, update.Options{
				Logger: a.log, Importers: feeds.All(), AllowHTTP: allowHTTP, Retries: retries, Transport: a.transport("feed download"),
			})
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			for _, s := range res.Sources {
				fmt.Fprintf(w, "%-24s %-13s %10d bytes  %s\n", s.Name, s.Status, s.Bytes, s.Duration.Round(time.Millisecond))
			}
			if !res.Changed {
				fmt.Fprintf(w, "no feed changed; %s is up to date\n", p)
				return nil
			}
			fmt.Fprintf(w, "rebuilt %s: %d advisories (%d skipped)\n", p, res.Stats.Records, res.Stats.Skipped)
			return nil
		},
	}
	addDBFlags(cmd, &o)
	cmd.Flags().StringArrayVar(&srcFlags, "source", nil, "feed as NAME=URL[,sha256=HEX][,format=NAME] (repeatable)")
	cmd.Flags().StringVar(&sourcesFile, "sources", "", "JSON file listing the feeds")
	cmd.Flags().BoolVar(&allowHTTP, "allow-http", false, "accept plain http:// sources (internal mirrors without TLS)")
	cmd.Flags().IntVar(&retries, "retries", 3, "retries per download on network errors and 5xx answers, with doubling backoff from 1 s (-1: none)")
	return cmd
}

// parseSources reads --source flags and --sources FILE; neither means the defaults.
func parseSources(flags []string, file string) ([]update.Source, error) {
	var out []update.Source
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, usageErrorf("--sources: %v", err)
		}
		defer f.Close()
		b, err := safeio.ReadAll(f, 1<<20, file)
		if err != nil {
			return nil, usageErrorf("--sources: %v", err)
		}
		if err := json.Unmarshal(b, &out); err != nil {
			return nil, usageErrorf("--sources %s: %v", file, err)
		}
	}
	for _, s := range flags {
		name, rest, ok := strings.Cut(s, "=")
		if !ok || name == "" {
			return nil, usageErrorf("--source %q: want NAME=URL", s)
		}
		parts := strings.Split(rest, ",")
		src := update.Source{Name: name, URL: parts[0]}
		for _, kv := range parts[1:] {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "sha256":
				src.SHA256 = v
			case "format":
				src.Format = v
			default:
				return nil, usageErrorf("--source %q: unknown option %q (want sha256= or format=)", s, k)
			}
		}
		out = append(out, src)
	}
	if len(out) == 0 {
		out = update.Defaults
	}
	return out, nil
}
