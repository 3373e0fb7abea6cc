package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/vulndb"
	"github.com/sluice-dev/sluice/vulndb/importer"
	"github.com/sluice-dev/sluice/vulndb/importer/feeds"
)

// dbOptions are the flags of every command that reads the advisory database.
type dbOptions struct {
	path   string
	maxAge time.Duration
}

func addDBFlags(cmd *cobra.Command, o *dbOptions) {
	cmd.Flags().StringVar(&o.path, "db", "", "advisory database file (default $XDG_CACHE_HOME/sluice/db/sluice.db; env SLUICE_DB)")
	cmd.Flags().DurationVar(&o.maxAge, "db-max-age", 7*24*time.Hour, "warn when the database was built longer ago than this")
}

// dbPath resolves --db, SLUICE_DB (applied to the flag by applyEnv) and the
// default under the user cache directory.
func (o *dbOptions) dbPath() (string, error) {
	if o.path != "" {
		return o.path, nil
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", usageErrorf("no cache directory for the advisory database (%v): pass --db PATH", err)
	}
	return filepath.Join(dir, "sluice", "db", "sluice.db"), nil
}

// open opens the database and warns on stderr when it is older than --db-max-age.
func (o *dbOptions) open(ctx context.Context, a *app) (*vulndb.Store, error) {
	p, err := o.dbPath()
	if err != nil {
		return nil, err
	}
	s, err := vulndb.Open(ctx, p)
	if err != nil {
		return nil, err
	}
	if age := time.Since(s.Info().Built); o.maxAge > 0 && age > o.maxAge && !a.quiet {
		fmt.Fprintf(a.stdio.Err, "sluice: warning: advisory database %s was built %s ago (--db-max-age %s): run `sluice db update`\n",
			p, age.Round(time.Hour), o.maxAge)
	}
	return s, nil
}

func newDBCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "db",
		Short: "Build, inspect, update and export the offline advisory database",
		Long: `The advisory database is one SQLite file built from advisory feeds: OSV
JSON (files, directories, per-ecosystem all.zip), the Debian security tracker
(DSA/DLA/DTSA lists and its JSON export), Alpine secdb (YAML and JSON) and the
Node.js security WG npm advisories. It is always written to a temporary file
and renamed into place, so a failed import or update leaves the previous
database working. Copy it into an air-gapped network with "db export" and
"db import".`,
		Example: `  sluice db import ./osv/Go/all.zip ./alpine-secdb/v3.18/main.json
  sluice db info
  sluice db export /mnt/transfer/sluice.db`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newDBImportCmd(a), newDBInfoCmd(a), newDBExportCmd(a), newDBUpdateCmd(a), newDBPushCmd(a), newDBPullCmd(a))
	return cmd
}

func newDBImportCmd(a *app) *cobra.Command {
	var o dbOptions
	var replace bool
	cmd := &cobra.Command{
		Use:   "import SOURCE...",
		Short: "Import advisory feeds (files, directories, zips) into the database",
		Long: `Import reads each SOURCE — a feed file, a directory of them or a zip
archive — detects its format and adds its advisories to the database. A feed
imported again replaces what it imported before; other feeds are kept unless
--replace starts from an empty database. A SOURCE may name its format to skip
detection: osv:PATH, debian-list:PATH, debian-json:PATH, alpine-secdb:PATH,
nswg:PATH.

A sluice database file (from "sluice db export") is copied into place as a
whole after its schema is checked.

Records that cannot be converted are skipped and counted; the command fails
only when a SOURCE cannot be read or the database cannot be written.`,
		Example: `  sluice db import ../vulndata/osv ../vulndata/alpine-secdb
  sluice db import --db ./sluice.db debian-list:DSA/list
  sluice db import /mnt/transfer/sluice.db`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			p, err := o.dbPath()
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return fmt.Errorf("create %s: %w", filepath.Dir(p), err)
			}
			if len(args) == 1 && isSluiceDB(args[0]) {
				return importDBFile(ctx, args[0], p, cmd.OutOrStdout())
			}
			base := p
			if replace {
				base = ""
			}
			start := time.Now()
			b, err := vulndb.Create(ctx, p, vulndb.BuildOptions{Base: base, Logger: a.log})
			if err != nil {
				return err
			}
			st, err := importer.Run(ctx, b, feeds.All(), args, importer.Options{Logger: a.log})
			if err != nil {
				b.Abort()
				return err
			}
			if st.Records == 0 {
				b.Abort()
				return usageErrorf("no advisories found in %s (%d files skipped; first: %s)", strings.Join(args, ", "), st.Skipped, firstOr(st.SkipExamples, "none"))
			}
			if err := b.Commit(ctx); err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "imported %d advisories from %d files into %s in %s\n", st.Records, st.Files, p, time.Since(start).Round(time.Millisecond))
			for _, src := range sortedKeys(st.Sources) {
				fmt.Fprintf(w, "  %-32s %d\n", src, st.Sources[src])
			}
			if st.Skipped > 0 {
				fmt.Fprintf(w, "skipped %d (first: %s)\n", st.Skipped, st.SkipExamples[0])
			}
			return nil
		},
	}
	addDBFlags(cmd, &o)
	cmd.Flags().BoolVar(&replace, "replace", false, "start from an empty database instead of adding to the existing one")
	return cmd
}

func firstOr(s []string, def string) string {
	if len(s) == 0 {
		return def
	}
	return s[0]
}

// isSluiceDB reports whether a file is a SQLite database (an exported DB).
func isSluiceDB(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 16)
	n, _ := io.ReadFull(f, head)
	return string(head[:n]) == "SQLite format 3\x00"
}

// importDBFile checks an exported database and copies it into place atomically.
func importDBFile(ctx context.Context, src, dst string, out io.Writer) error {
	s, err := vulndb.Open(ctx, src)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Export(ctx, dst); err != nil {
		return err
	}
	info := s.Info()
	fmt.Fprintf(out, "installed %s as %s: %d advisories from %d sources, built %s\n", src, dst, info.Advisories, len(info.Sources), info.Built.Format(time.RFC3339))
	return nil
}

func newDBInfoCmd(a *app) *cobra.Command {
	var o dbOptions
	var format string
	cmd := &cobra.Command{
		Use:   "info",
		Short: "Show the database's build time, schema and sources",
		Long: `Info prints where the database is, when it was built, its schema version,
its size and, per source, the number of advisories and the newest record's
modification time. -f json prints the same as JSON.`,
		Example: `  sluice db info
  sluice db info -f json --db ./sluice.db`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "table" && format != "json" {
				return usageErrorf("--format %q: want table or json", format)
			}
			s, err := o.open(cmd.Context(), a)
			if err != nil {
				return err
			}
			defer s.Close()
			info := s.Info()
			w := cmd.OutOrStdout()
			if format == "json" {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(info)
			}
			fmt.Fprintf(w, "database: %s\nschema:   %d\nbuilt:    %s\nsize:     %.1f MiB\nadvisories: %d\n\n",
				info.Path, info.SchemaVersion, info.Built.Format(time.RFC3339), float64(info.Size)/(1<<20), info.Advisories)
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "SOURCE\tRECORDS\tNEWEST RECORD\tIMPORTED")
			for _, si := range info.Sources {
				mod := "-"
				if !si.Modified.IsZero() {
					mod = si.Modified.Format(time.RFC3339)
				}
				fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", si.Name, si.Records, mod, si.Imported.Format(time.RFC3339))
			}
			return tw.Flush()
		},
	}
	addDBFlags(cmd, &o)
	cmd.Flags().StringVarP(&format, "format", "f", "table", "output format: table|json")
	return cmd
}

func newDBExportCmd(a *app) *cobra.Command {
	var o dbOptions
	cmd := &cobra.Command{
		Use:   "export FILE",
		Short: "Write a consistent copy of the database for transfer",
		Long: `Export writes a compact, consistent copy of the database to FILE (via a
temporary file and a rename). Carry it into an air-gapped network and install
it there with "sluice db import FILE".`,
		Example: `  sluice db export /mnt/transfer/sluice.db`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := o.open(cmd.Context(), a)
			if err != nil {
				return err
			}
			defer s.Close()
			if err := s.Export(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "exported %d advisories to %s\n", s.Info().Advisories, args[0])
			return nil
		},
	}
	addDBFlags(cmd, &o)
	return cmd
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
