package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sluice-dev/sluice/finding"
)

// Targets are what `sluice ci` checks. A stage whose target is empty is
// skipped, so a repository without manifests needs no configuration to say so.
type Targets struct {
	// Dockerfiles are files or directories for the lint stage.
	Dockerfiles []string `yaml:"dockerfiles"`
	// Source is the directory the secrets stage scans.
	Source string `yaml:"source"`
	// Manifests are Kubernetes, ECS and Compose files or directories.
	Manifests []string `yaml:"manifests"`
	// Image is the image the image, scan, verify, sign and promote stages
	// work on, in any form `sluice sbom` reads.
	Image string `yaml:"image"`
}

// Stages turns stages off (or on, for those off by default). A nil value
// leaves the default: on when the stage's target is set; history and verify
// are off unless asked for.
type Stages struct {
	Lint    *bool `yaml:"lint"`
	Secrets *bool `yaml:"secrets"`
	// History scans the git history of Source as well (slower; off by default).
	History *bool `yaml:"history"`
	Config  *bool `yaml:"config"`
	// Image reads the image once: inventory, secrets in layers, audit.
	Image *bool `yaml:"image"`
	Scan  *bool `yaml:"scan"`
	// Verify checks the image's signatures against the trust policy.
	Verify *bool `yaml:"verify"`
}

// Command is an external step: argv, run without a shell so that no value is
// ever re-parsed.
type Command struct {
	Run []string `yaml:"run"`
	// Image, for build, is the image the command produced (it replaces
	// targets.image for the stages after it).
	Image string `yaml:"image"`
}

// Sign configures the sign stage, run only when the gate passes.
type Sign struct {
	Key         string            `yaml:"key"`
	Annotations map[string]string `yaml:"annotations"`
}

// Promote configures the promote stage, run only when the gate passes.
type Promote struct {
	// To is the destination reference (tag, repository or registry).
	To string `yaml:"to"`
	// Keys are the public keys that must have signed the image.
	Keys []string `yaml:"keys"`
	// Force moves an existing destination tag.
	Force bool `yaml:"force"`
}

// Policy is the gate of `sluice ci` (docs/policy.md).
type Policy struct {
	// FailOn is the threshold for kinds without their own entry.
	FailOn string `yaml:"fail_on"`
	// Thresholds per kind: vuln, secret, lint, config, image.
	Thresholds map[string]string `yaml:"thresholds"`
	// OnlyFixed fails vulnerability thresholds only when a fix exists.
	OnlyFixed bool `yaml:"only_fixed"`
	// MaxFixableCriticalDays fails on a critical that has had a fix for longer.
	MaxFixableCriticalDays int `yaml:"max_fixable_critical_days"`
	// GraceDays warns instead of failing for advisories younger than this.
	GraceDays int `yaml:"grace_days"`
	// ForbidSecrets fails on any active secret, whatever its severity.
	ForbidSecrets bool `yaml:"forbid_secrets"`
	// RequireSignature fails unless a signature of the image verified.
	RequireSignature bool `yaml:"require_signature"`
	// AllowedBases are globs the image's base image must match.
	AllowedBases []string `yaml:"allowed_bases"`
	// RulesVersion pins the lint/config rule set to a sluice release.
	RulesVersion string `yaml:"rules_version"`
	// Rules are custom CEL rules.
	Rules []PolicyRule `yaml:"rules"`
}

// PolicyRule is a custom CEL rule: true when violated.
type PolicyRule struct {
	Name    string `yaml:"name"`
	Expr    string `yaml:"expr"`
	Message string `yaml:"message"`
}

// Trust is the trust policy the verify stage applies (sign.TrustPolicySpec).
type Trust struct {
	AllowUnmatched bool        `yaml:"allow_unmatched"`
	Rules          []TrustRule `yaml:"rules"`
}

// TrustRule requires signatures by keys on the images matching globs.
type TrustRule struct {
	Name         string            `yaml:"name"`
	Images       []string          `yaml:"images"`
	Keys         []string          `yaml:"keys"`
	Threshold    int               `yaml:"threshold"`
	Annotations  map[string]string `yaml:"annotations"`
	Attestations []string          `yaml:"attestations"`
}

// kinds are the finding kinds a threshold may name.
var kinds = []string{string(finding.KindVuln), string(finding.KindSecret), string(finding.KindLint), string(finding.KindConfig), string(finding.KindImage)}

// reportNames are the report formats `reports:` may name; checked against
// the report package by a test in internal/cli (config may not import it).
var reportNames = []string{"table", "json", "sarif", "junit", "markdown", "gitlab",
	"gitlab-container-scanning", "gitlab-dependency-scanning", "gitlab-secret-detection", "gitlab-sast"}

// ReportFormats lists the formats the reports key accepts.
func ReportFormats() []string { return slices.Clone(reportNames) }

func (p *Policy) validate() error {
	if p.FailOn != "" {
		if _, err := finding.ParseSeverity(p.FailOn); err != nil {
			return fmt.Errorf("policy.fail_on: %w", err)
		}
	}
	for k, v := range p.Thresholds {
		if !slices.Contains(kinds, k) {
			return fmt.Errorf("policy.thresholds: unknown kind %q (want one of %s)", k, strings.Join(kinds, ", "))
		}
		if _, err := finding.ParseSeverity(v); err != nil {
			return fmt.Errorf("policy.thresholds.%s: %w", k, err)
		}
	}
	if p.MaxFixableCriticalDays < 0 || p.GraceDays < 0 {
		return fmt.Errorf("policy: day counts may not be negative")
	}
	for i, r := range p.Rules {
		if r.Name == "" || r.Expr == "" {
			return fmt.Errorf("policy.rules[%d]: name and expr are required", i)
		}
	}
	return nil
}

func (c *File) validateCI() error {
	if err := c.Policy.validate(); err != nil {
		return err
	}
	for f := range c.Reports {
		if !slices.Contains(reportNames, f) {
			return fmt.Errorf("reports: unknown format %q (want one of %s)", f, strings.Join(reportNames, ", "))
		}
	}
	if c.Build != nil && len(c.Build.Run) == 0 {
		return fmt.Errorf("build.run: the command to run is required")
	}
	if c.Push != nil && len(c.Push.Run) == 0 {
		return fmt.Errorf("push.run: the command to run is required")
	}
	if c.Sign != nil && c.Sign.Key == "" {
		return fmt.Errorf("sign.key: the private key file is required")
	}
	if c.Promote != nil && (c.Promote.To == "" || len(c.Promote.Keys) == 0) {
		return fmt.Errorf("promote: to and keys are required (promote copies only images the listed keys signed)")
	}
	for i, r := range c.Trust.Rules {
		if len(r.Images) == 0 || len(r.Keys) == 0 {
			return fmt.Errorf("trust.rules[%d]: images and keys are required", i)
		}
	}
	return nil
}
