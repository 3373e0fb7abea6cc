// Package audit checks an image's own configuration — the OCI/Docker config
// file and the files of its final filesystem — for what makes it unsafe or
// unaccountable to run: root user, port 22, secrets in ENV or build history,
// setuid and world-writable files, shells and package managers left in a
// final image, missing OCI labels, an unknown or disallowed base, age, and
// no HEALTHCHECK. It works on a go-containerregistry v1.ConfigFile and a
// list of source.File, so any image reader can feed it; Recorder lets the
// analysis driver collect those files in the same single pass over the
// layers that catalogs packages and finds secrets. Rules have IDs AUDxxx.
package audit

import (
	"context"
	"fmt"
	"io/fs"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/secrets"
	"github.com/sluice-dev/sluice/source"
)

// Image is what the checks look at.
type Image struct {
	Name   string // as the user gave it, for messages
	Config *v1.ConfigFile
	// Annotations are the manifest's annotations (org.opencontainers.image.base.name, …).
	Annotations map[string]string
	// Files is the image's filesystem, final view: files a later layer
	// removed are marked Deleted and are not judged.
	Files []source.File
}

// DefaultRequiredLabels are the OCI annotation keys that tell, at a glance,
// which commit an image was built from and when.
var DefaultRequiredLabels = []string{
	"org.opencontainers.image.source",
	"org.opencontainers.image.revision",
	"org.opencontainers.image.version",
	"org.opencontainers.image.created",
}

// Options tune a run. The zero value checks the default labels, judges no
// registry and no age.
type Options struct {
	// AllowedRegistries, when not empty, turns on the base-registry check.
	AllowedRegistries []string
	// RequiredLabels replaces DefaultRequiredLabels when not nil.
	RequiredLabels []string
	// MaxAge, when positive, turns on the age check.
	MaxAge time.Duration
	// Now is the clock of the age check (time.Now when nil).
	Now func() time.Time
	// Secrets, when set, also finds credentials inside the shell commands
	// of the build history (AUD004), with the secrets engine's rules.
	Secrets *secrets.Scanner
}

func (o *Options) labels() []string {
	if o.RequiredLabels != nil {
		return o.RequiredLabels
	}
	return DefaultRequiredLabels
}

func (o *Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

// Rule is one image check: plain data plus the function that runs it.
type Rule struct {
	ID       string
	Version  int
	Severity finding.Severity
	Title    string
	Help     string // rationale and remedy, Markdown
	// Enabled, when set, says whether the rule runs with these options.
	Enabled func(o *Options) bool
	Check   func(img *Image, o *Options, emit Emit)
}

// Emit reports one finding: a message, where (a file path and layer, or
// empty for the image config), and evidence (which config field).
type Emit func(message string, loc finding.Location, evidence ...finding.Evidence)

// Meta is the rule as listed in a report.
func (r *Rule) Meta() finding.Rule {
	return finding.Rule{ID: r.ID, Kind: finding.KindImage, Severity: r.Severity, Title: r.Title, Help: r.Help}
}

// Markdown renders the rule's reference page (docs/rules/audit/<ID>.md).
func (r *Rule) Markdown() string {
	return fmt.Sprintf("# %s: %s\n\n- Severity: **%s**\n- Version: %d\n\n%s\n", r.ID, r.Title, r.Severity, r.Version, r.Help)
}

// Check runs rules over the image.
func Check(ctx context.Context, img *Image, rules []Rule, opts Options) (finding.Result, error) {
	res := finding.Result{Target: finding.Target{Kind: "image", Name: img.Name}}
	if img.Config == nil {
		return res, fmt.Errorf("audit %s: no image config", img.Name)
	}
	for i := range rules {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		r := &rules[i]
		if r.Enabled != nil && !r.Enabled(&opts) {
			continue
		}
		res.Rules = append(res.Rules, r.Meta())
		r.Check(img, &opts, func(msg string, loc finding.Location, ev ...finding.Evidence) {
			res.Findings = append(res.Findings, finding.Finding{
				Kind: finding.KindImage, Rule: r.ID, Severity: r.Severity, Title: r.Title,
				Message: msg, Location: loc, Evidence: ev, SeveritySource: "rule",
			})
		})
	}
	return res, nil
}

// configField is the evidence naming the config field a finding is about.
func configField(name string) finding.Evidence { return finding.Evidence{Name: "config", Value: name} }

// fileLoc is the location of an image file.
func fileLoc(f *source.File) finding.Location {
	return finding.Location{Path: f.Path, Layer: f.Layer, LayerIndex: f.LayerIndex}
}

// octal renders a mode as ls and chmod show it: 4755, 1777, 0666.
func octal(m fs.FileMode) string {
	v := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		v |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		v |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		v |= 0o1000
	}
	return fmt.Sprintf("%04o", v)
}
