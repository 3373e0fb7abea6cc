package cli

import (
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/report"
)

func newReportCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Work with saved JSON reports",
		Long: `Work with reports saved by any sluice command with -f json
(schema sluice.report/v1, described in docs/report-schema.md).

The JSON report is the canonical output: every other format is rendered from
it, so a CI job can scan once, keep the JSON as an artifact, and convert it
to SARIF for GitHub, a GitLab security report, JUnit or a Markdown comment
in later steps without scanning again.`,
		Example: `  sluice report convert scan.json -f sarif -o scan.sarif`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageErrorf("report needs a subcommand: convert (see sluice report --help)")
		},
	}
	cmd.AddCommand(newReportConvertCmd(a))
	return cmd
}

func newReportConvertCmd(a *app) *cobra.Command {
	var o outputOptions
	cmd := &cobra.Command{
		Use:   "convert IN.json",
		Short: "Re-render a saved JSON report in another format",
		Long: `Read a report saved with -f json (sluice.report/v1) and write it in another
format: table, json, sarif, junit, markdown, or a GitLab security report
(gitlab picks the report type from the findings; gitlab-container-scanning,
gitlab-dependency-scanning, gitlab-secret-detection and gitlab-sast keep only
their type). docs/formats.md describes each format and its limits.

IN.json may be - to read standard input. The input is bounded in size and
nesting; a file that is not valid JSON, or is not a sluice report, is an
input error (exit 2) naming the file, the line and the problem.

Without --fail-on the report keeps the decision it was saved with and the
command exits 0. With --fail-on the decision is made again: exit 1 when an
active (unsuppressed) finding is at or above the given severity.

Secrets were redacted when the report was saved (unless it was saved with
--show-secrets); converting never reveals more than the input holds.`,
		Example: `  # SARIF for GitHub code scanning
  sluice report convert scan.json -f sarif -o results.sarif

  # A GitLab container scanning report, failing the job on critical findings
  sluice report convert scan.json -f gitlab-container-scanning \
      -o gl-container-scanning-report.json --fail-on critical

  # A merge-request comment body
  sluice report convert scan.json -f markdown > comment.md`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("convert takes exactly one input file (the JSON report), got %d", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.validate(); err != nil {
				return err
			}
			res, err := readReport(cmd, args[0])
			if err != nil {
				return err
			}
			return a.render(cmd, &o, res, true)
		},
	}
	addOutputFlags(cmd, &o, findingFormats()...)
	cmd.Flags().BoolVar(&o.showSecrets, "show-secrets", false, "do not redact secret values that the input still holds")
	return cmd
}

// readReport decodes a saved JSON report from a file or stdin ("-").
func readReport(cmd *cobra.Command, path string) (res finding.Result, err error) {
	var r io.Reader
	name := path
	if path == "-" {
		r, name = cmd.InOrStdin(), "standard input"
	} else {
		f, err := os.Open(path)
		if err != nil {
			return res, usageErrorf("read report: %v", err)
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return res, usageErrorf("read report %s: is a directory, want a JSON file", path)
		}
		r = f
	}
	res, err = report.Decode(r, name)
	if err != nil {
		return res, usageErrorf("%v", err)
	}
	return res, nil
}
