package cli

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/finding"

	"github.com/sluice-dev/sluice/manifest/k8s"
	"github.com/sluice-dev/sluice/manifest/scan"
)

// configOptions are the flags of `sluice config` (not to be confused with
// the global --config, which names the .sluice.yaml file).
type configOptions struct {
	out               outputOptions
	pss               string
	strict            bool
	allowedRegistries []string
}

func newConfigCmd(a *app) *cobra.Command {
	var o configOptions
	cmd := &cobra.Command{
		Use:   "config [PATH|-]...",
		Short: "Check Kubernetes, ECS and Compose deployment configuration",
		Long: `Check deployment configuration before it is deployed, and point at the exact
file and line to change.

Each file's kind is detected from its content:
  Kubernetes  YAML or JSON objects, multi-document, List kinds, rendered Helm or
              Kustomize output on stdin ("-"); every workload with a pod template
              (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob,
              ReplicationController); custom resources are skipped with a note
  ECS         task definitions: RegisterTaskDefinition input, CodeDeploy's
              taskdef.json, describe-task-definition output, and
              AWS::ECS::TaskDefinition resources of CloudFormation templates
  Compose     compose.yaml / docker-compose.yml
Directories are walked for .yaml, .yml and .json files.

Kubernetes workloads are checked against the Pod Security Standards exactly as
the upstream admission library evaluates them for the newest policy version
(--pss baseline, the default, or restricted; rule IDs pss:<check>), and by the
K8Sxxx checks. ECS checks are ECSxxx, Compose checks DCxxx. Digest pinning
checks run only with --strict; registry checks only with --allowed-registry.
See docs/config-checks.md and docs/rules/.

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it,
2 usage or input error.`,
		Example: `  sluice config deploy/
  helm template ./chart | sluice config -
  kustomize build overlays/prod | sluice config --pss restricted --fail-on high -
  sluice config --strict --allowed-registry ghcr.io/acme taskdef.json compose.yaml
  sluice config -f json -o config-report.json k8s/`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.out.validate(); err != nil {
				return err
			}
			level := strings.ToLower(o.pss)
			if !slices.Contains([]string{k8s.PSSBaseline, k8s.PSSRestricted, k8s.PSSNone}, level) {
				return usageErrorf("--pss %q: want baseline, restricted or none", o.pss)
			}
			if len(args) == 0 {
				args = []string{"."}
			}
			if n := slices.Index(args, scan.Stdin); n >= 0 && slices.Index(args[n+1:], scan.Stdin) >= 0 {
				return usageErrorf("stdin (-) given more than once")
			}
			res, err := configResult(cmd.Context(), args, scan.Options{
				PSS:               level,
				Strict:            o.strict,
				AllowedRegistries: o.allowedRegistries,
				Stdin:             cmd.InOrStdin(),
				Logger:            a.log,
			})
			if err != nil {
				return err
			}
			return a.writeResult(cmd, &o.out, res)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.pss, "pss", k8s.PSSBaseline, "Pod Security Standards level: baseline|restricted|none")
	f.BoolVar(&o.strict, "strict", false, "also require images pinned by digest")
	f.StringArrayVar(&o.allowedRegistries, "allowed-registry", nil, "registry (host or host/path prefix) images may come from; repeatable")
	addOutputFlags(cmd, &o.out, findingFormats()...)
	return cmd
}

// configResult checks the deployment files args name: the work of `sluice
// config` and of the config stage of `sluice ci`. A missing file is an input
// error (exit 2).
func configResult(ctx context.Context, args []string, opts scan.Options) (finding.Result, error) {
	res, err := scan.Run(ctx, args, opts)
	if err != nil && errors.Is(err, fs.ErrNotExist) {
		return res, usageErrorf("%v", err)
	}
	return res, err
}
