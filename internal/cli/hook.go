package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/internal/atomicfile"
	"github.com/sluice-dev/sluice/internal/netguard"
)

// hookMarker identifies hooks sluice wrote, so reinstalling replaces them and
// a hook someone else wrote is never overwritten by accident.
const hookMarker = "# installed by: sluice hook install"

// preCommitHook checks only what is being committed: staged changes for
// secrets, staged Dockerfiles for lint. SLUICE_BIN lets the hook find a
// sluice that is not on PATH.
const preCommitHook = `#!/bin/sh
` + hookMarker + `
# Checks the staged changes before each commit. Skip once with: git commit --no-verify
set -e
sluice="${SLUICE_BIN:-sluice}"
"$sluice" secrets --staged --fail-on %[1]s
files=$(git diff --cached --name-only --diff-filter=ACMR -z | tr '\0' '\n' | grep -E '(^|/)(Dockerfile|Containerfile)([.][^/]*)?$|[.]Dockerfile$' || true)
if [ -n "$files" ]; then
	echo "$files" | tr '\n' '\0' | xargs -0 "$sluice" lint --fail-on %[1]s
fi
`

func newHookCmd(a *app) *cobra.Command {
	hook := &cobra.Command{
		Use:   "hook",
		Short: "Install sluice as a plain git hook (without the pre-commit framework)",
		Long: `Manage git hooks that run sluice before each commit.

For teams that use the pre-commit framework, .pre-commit-hooks.yaml in the
sluice repository offers the same checks (see docs/ci.md).`,
		Example: `  sluice hook install            # secrets in staged changes block the commit
  sluice hook install --force    # replace an existing pre-commit hook`,
		Args: cobra.NoArgs,
	}
	var force bool
	var failOn string
	install := &cobra.Command{
		Use:   "install",
		Short: "Write a pre-commit hook that scans staged changes for secrets and lints staged Dockerfiles",
		Long: `Write .git/hooks/pre-commit (or the hooks path git is configured with) so
that every commit first runs:

  sluice secrets --staged          secrets in the staged changes only
  sluice lint <staged Dockerfiles> Dockerfile rules

and is refused when either finds something at or above --fail-on. An existing
hook that sluice did not write is kept unless --force is given. Skip the hook
for one commit with git commit --no-verify.`,
		Example: `  sluice hook install
  sluice hook install --fail-on medium`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if failOn == "" {
				failOn = "high"
			}
			if _, err := parseSeverityFlag("--fail-on", failOn); err != nil {
				return err
			}
			path, err := gitHookPath(cmd, "pre-commit")
			if err != nil {
				return err
			}
			if old, err := os.ReadFile(path); err == nil && !bytes.Contains(old, []byte(hookMarker)) && !force {
				return usageErrorf("%s exists and was not written by sluice: keep it, or replace it with --force", path)
			}
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			content := fmt.Sprintf(preCommitHook, failOn)
			if err := atomicfile.Write(path, 0o755, func(w io.Writer) error {
				_, err := io.WriteString(w, content)
				return err
			}); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "installed %s (secrets in staged changes, lint of staged Dockerfiles, fail on %s)\n", path, failOn)
			return nil
		},
	}
	install.Flags().BoolVar(&force, "force", false, "replace an existing hook that sluice did not write")
	install.Flags().StringVar(&failOn, "fail-on", "high", "severity at which the hook refuses the commit")
	hook.AddCommand(install)
	return hook
}

// gitHookPath asks git where a hook lives (it honours core.hooksPath and worktrees).
func gitHookPath(cmd *cobra.Command, name string) (string, error) {
	c := netguard.Git(cmd.Context(), "rev-parse", "--git-path", "hooks/"+name)
	var stderr bytes.Buffer
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", usageErrorf("not in a git repository: %s", strings.TrimSpace(stderr.String()))
		}
		return "", fmt.Errorf("run git: %w", err)
	}
	p := strings.TrimSpace(string(out))
	if !filepath.IsAbs(p) {
		wd, err := os.Getwd()
		if err != nil {
			return "", err
		}
		p = filepath.Join(wd, p)
	}
	return p, nil
}
