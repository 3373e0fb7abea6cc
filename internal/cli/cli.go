// Package cli is the sluice command line: cobra commands, one file per
// command, wiring flags and config into engine Options. Exit codes are decided
// here only; engines never print or exit.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/sluice-dev/sluice/analysis"
	"github.com/sluice-dev/sluice/config"
	"github.com/sluice-dev/sluice/internal/netguard"
)

// Stdio is where a command reads and writes; tests pass buffers.
type Stdio struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// app is the state shared by every command of one invocation.
type app struct {
	stdio Stdio
	log   *slog.Logger
	// catalogers lists the analyzers that inventory a target;
	// nil means catalogers.All. Tests put small fakes here.
	catalogers func() []analysis.Analyzer

	// global flags
	configPath string
	cfg        *config.File
	quiet      bool
	verbose    bool
	noProgress bool
	noColor    bool
	offline    bool

	// command is the running command ("sluice sbom"), named in offline
	// refusals.
	command string
}

// Main runs sluice with args (without the program name) and returns the exit code.
func Main(ctx context.Context, args []string, stdio Stdio) int {
	a := &app{stdio: stdio}
	root := newRootCmd(a)
	root.SetArgs(args)
	root.SetIn(stdio.In)
	root.SetOut(stdio.Out)
	root.SetErr(stdio.Err)
	err := root.ExecuteContext(ctx)
	if err != nil && !errors.Is(err, errFailed) {
		fmt.Fprintf(stdio.Err, "sluice: %v\n", err)
	}
	return exitCode(err)
}

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "sluice",
		Short: "Container supply-chain security gate",
		Long: `sluice checks every stage of shipping a container image: Dockerfiles,
source trees and git history for secrets, the image's inventory (SBOM) and its
known vulnerabilities, deployment manifests, signatures, and one policy that
decides whether an image may be promoted.

It runs without a Docker daemon and without internet access: images come from
OCI layouts, archives or registries; advisory data from files or mirrors you
configure. --offline makes that a guarantee: any connection to an address
other than loopback is refused, naming what tried (docs/offline.md).

Exit codes: 0 pass, 1 findings at or above --fail-on (or policy failed),
2 usage or input error.`,
		Example: `  sluice lint Dockerfile
  sluice version`,
		SilenceUsage:      true,
		SilenceErrors:     true,
		DisableAutoGenTag: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := applyEnv(cmd); err != nil {
				return err
			}
			a.log = newLogger(a.stdio.Err, a.verbose)
			if err := a.loadConfig(cmd); err != nil {
				return err
			}
			a.command = cmd.CommandPath()
			// Engines read the policy from the context for what they do on
			// their own: default transports, registry credentials, git.
			cmd.SetContext(netguard.WithOffline(cmd.Context(), a.offline))
			return nil
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return usageErrorf("%v (see --help)", err)
	})
	pf := root.PersistentFlags()
	pf.StringVar(&a.configPath, "config", config.DefaultFile, "configuration file (need not exist unless given)")
	pf.BoolVarP(&a.quiet, "quiet", "q", false, "print only the report: no progress, no notes")
	pf.BoolVarP(&a.verbose, "verbose", "v", false, "debug logging to stderr")
	pf.BoolVar(&a.noProgress, "no-progress", false, "never show progress, even on a terminal")
	pf.BoolVar(&a.noColor, "no-color", false, "never colour output (NO_COLOR does the same)")
	pf.BoolVar(&a.offline, "offline", false, "refuse every network connection except to loopback (local registries and mirrors)")
	addCommands(root, a)
	return root
}

// addCommands lists every command, grouped in help by the pipeline stage it
// serves, in pipeline order.
func addCommands(root *cobra.Command, a *app) {
	groups := []struct {
		id, title string
		cmds      []*cobra.Command
	}{
		{"code", "Build files and code:", []*cobra.Command{newLintCmd(a), newSecretsCmd(a), newVerifyCommitsCmd(a), newHookCmd(a)}},
		{"image", "Images:", []*cobra.Command{newSbomCmd(a), newScanCmd(a), newAuditCmd(a), newDBCmd(a), newExplainCmd(a)}},
		{"deploy", "Deployment:", []*cobra.Command{newConfigCmd(a)}},
		{"trust", "Trust:", []*cobra.Command{newKeygenCmd(a), newSignCmd(a), newVerifyCmd(a), newAttestCmd(a), newVerifyAttestationCmd(a), newPromoteCmd(a)}},
		{"gate", "The gate:", []*cobra.Command{newCICmd(a), newReportCmd(a)}},
	}
	cobra.EnableCommandSorting = false
	for _, g := range groups {
		root.AddGroup(&cobra.Group{ID: g.id, Title: g.title})
		for _, c := range g.cmds {
			c.GroupID = g.id
			root.AddCommand(c)
		}
	}
	root.AddCommand(newVersionCmd())
}

func newLogger(w io.Writer, verbose bool) *slog.Logger {
	level := slog.LevelWarn
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// isTerminal reports whether w is an interactive terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// colorEnabled follows https://no-color.org: colour only on a terminal, and
// never when NO_COLOR is set to anything non-empty or --no-color is given.
func (a *app) colorEnabled(w io.Writer) bool {
	return !a.noColor && os.Getenv("NO_COLOR") == "" && isTerminal(w)
}

// flagChanged reports whether a flag was set on the command line or by env.
func flagChanged(fs *pflag.FlagSet, name string) bool {
	f := fs.Lookup(name)
	return f != nil && f.Changed
}

// transport is the HTTP transport of one component of the running command
// (image registry, db update); with --offline it dials loopback only, and a
// refusal names the command and the component.
func (a *app) transport(component string) http.RoundTripper {
	return netguard.Transport(a.command+" ("+component+")", a.offline)
}
