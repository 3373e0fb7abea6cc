package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/audit"
	"github.com/sluice-dev/sluice/finding"
)

// auditOptions are the flags of sluice audit.
type auditOptions struct {
	out               outputOptions
	image             imageFlags
	allowedRegistries []string
	requiredLabels    []string
	maxAge            ageValue
}

func newAuditCmd(a *app) *cobra.Command {
	var o auditOptions
	cmd := &cobra.Command{
		Use:   "audit IMAGE",
		Short: "Check an image's configuration: user, ports, secrets in ENV and history, setuid, labels, base, age",
		Long: `Audit checks what an image will be when it runs, from its config file,
manifest and final filesystem, with the rules AUD001-AUD011
(docs/rules/audit/):
  AUD001 runs as root            AUD007 sshd, package manager or shell
  AUD002 exposes port 22         AUD008 OCI labels missing
  AUD003 secret in ENV           AUD009 base image unknown or not allowed
  AUD004 secret in build history AUD010 older than --max-age
  AUD005 setuid/setgid file      AUD011 no HEALTHCHECK
  AUD006 world-writable file or directory
Secret values are never printed, only the variable or build step.

IMAGE is an image in any form, as for "sluice sbom": oci-dir:PATH,
oci-archive:FILE, docker-archive:FILE, registry:REF, or detected. The file
checks judge the final filesystem: a setuid file a later layer removed or
chmod-ed does not count. Those facts are gathered while each layer is read,
once, and cached by diffID (--cache-dir), so a second audit of the image,
or of one sharing its base, reads only new layers.

AUD009 runs only with allowed registries (--allowed-registry, or
allowed_registries in .sluice.yaml), AUD010 only with --max-age (a Go
duration or a number of days: 90d). AUD008 requires the labels of
--required-label (or required_labels), by default
org.opencontainers.image.source, .revision, .version and .created.

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it,
2 usage or input error (unreadable image, a directory instead of an image).`,
		Example: `  sluice audit oci-dir:build/image
  sluice audit registry:localhost:5000/app:1.2 --insecure --fail-on high
  sluice audit app.tar --allowed-registry gcr.io/distroless --max-age 90d -f sarif -o audit.sarif
  sluice audit oci-dir:build/image --required-label org.opencontainers.image.source -f json`,
		Args: oneTarget("audit", "IMAGE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.out.validate(); err != nil {
				return err
			}
			ctx := cmd.Context()
			ta, err := a.analyzeTarget(ctx, args[0], &o.image, analysisRequest{Audit: true})
			if err != nil {
				return err
			}
			scanner, _, err := a.imageSecretsScanner()
			if err != nil {
				return err
			}
			res, err := auditImage(ctx, ta, audit.Options{AllowedRegistries: o.allowedRegistries, RequiredLabels: o.requiredLabels,
				MaxAge: time.Duration(o.maxAge), Secrets: scanner})
			if err != nil {
				return usageErrorf("%v", err)
			}
			return a.writeResult(cmd, &o.out, res)
		},
	}
	addOutputFlags(cmd, &o.out, findingFormats()...)
	addImageFlags(cmd, &o.image)
	f := cmd.Flags()
	f.StringArrayVar(&o.allowedRegistries, "allowed-registry", nil, "registry (host or host/path prefix) the base image must come from; repeatable (turns on AUD009)")
	f.StringArrayVar(&o.requiredLabels, "required-label", nil, "label or annotation the image must carry; repeatable (default: the OCI source, revision, version and created)")
	f.Var(&o.maxAge, "max-age", "report an image built longer ago than this, e.g. 90d or 720h (turns on AUD010)")
	return cmd
}

// ageValue is a duration flag that also takes whole days ("90d"): image
// ages are thought of in days, and Go durations stop at hours.
type ageValue time.Duration

func (v *ageValue) String() string {
	if *v == 0 {
		return ""
	}
	d := time.Duration(*v)
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}

func (v *ageValue) Set(s string) error {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 100*365 {
			return fmt.Errorf("%q: want a number of days from 0 to 36500 (90d) or a Go duration (720h)", s)
		}
		*v = ageValue(time.Duration(n) * 24 * time.Hour)
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return fmt.Errorf("%q: want a number of days (90d) or a Go duration (720h)", s)
	}
	*v = ageValue(d)
	return nil
}

func (v *ageValue) Type() string { return "duration" }

// auditImage runs the image checks over what analyzeTarget read, with the
// target and the read's notes in the result: sluice audit and the image
// stage of sluice ci share it. An empty RequiredLabels keeps the default set.
func auditImage(ctx context.Context, ta *targetAnalysis, opts audit.Options) (finding.Result, error) {
	if len(opts.RequiredLabels) == 0 {
		opts.RequiredLabels = nil
	}
	res, err := audit.Check(ctx, ta.Audit, audit.Rules(), opts)
	if err != nil {
		return res, err
	}
	res.Target = ta.Target
	res.Notes = append(ta.Notes, res.Notes...)
	return res, nil
}
