package cli

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at link time by release builds:
// go build -ldflags "-X github.com/sluice-dev/sluice/internal/cli.version=v0.3.0".
var version = ""

// buildInfo describes this binary from link-time values and Go build info.
type buildInfo struct {
	Version, Commit, Time, GoVersion string
	Modified                         bool
}

func readBuildInfo() buildInfo {
	b := buildInfo{Version: version}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		if b.Version == "" {
			b.Version = "(devel)"
		}
		return b
	}
	b.GoVersion = info.GoVersion
	if b.Version == "" {
		b.Version = info.Main.Version
	}
	if b.Version == "" {
		b.Version = "(devel)"
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Commit = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and Go version of this binary",
		Long: `Print the version, the git commit it was built from and the Go version
that built it, from the build information Go embeds in every binary.`,
		Example: `  sluice version`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b := readBuildInfo()
			commit := b.Commit
			if commit == "" {
				commit = "unknown"
			}
			if b.Modified {
				commit += " (modified)"
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "sluice %s\ncommit: %s\n", b.Version, commit)
			if b.Time != "" {
				fmt.Fprintf(w, "built:  %s\n", b.Time)
			}
			fmt.Fprintf(w, "go:     %s\n", b.GoVersion)
			return nil
		},
	}
}
