package dockerfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/internal/safeio"
)

// Config is the `lint:` section of .sluice.yaml. The config package decodes
// it and calls Options; it has the same knobs as .hadolint.yaml under the
// names of our CLI.
type Config struct {
	// Ignore lists rule IDs that do not run.
	Ignore []string `yaml:"ignore" json:"ignore,omitempty"`
	// Enable lists off-by-default rules to run.
	Enable []string `yaml:"enable" json:"enable,omitempty"`
	// Override maps a rule ID to a severity name (ours or hadolint's).
	Override map[string]string `yaml:"override" json:"override,omitempty"`
	// Strict turns on the strict rules (base images pinned by digest).
	Strict bool `yaml:"strict" json:"strict,omitempty"`
	// TrustedRegistries are the registries FROM may use.
	TrustedRegistries []string `yaml:"trusted-registries" json:"trusted_registries,omitempty"`
	// AllowedBases are image patterns (path.Match syntax) FROM may use.
	AllowedBases []string `yaml:"allowed-bases" json:"allowed_bases,omitempty"`
	// LabelSchema maps required labels to their type.
	LabelSchema map[string]string `yaml:"label-schema" json:"label_schema,omitempty"`
	// StrictLabels reports labels outside LabelSchema.
	StrictLabels bool `yaml:"strict-labels" json:"strict_labels,omitempty"`
}

// Options translates the section into engine Options.
func (c Config) Options() (Options, error) {
	o := Options{
		Ignore: c.Ignore, Enable: c.Enable, Strict: c.Strict, TrustedRegistries: c.TrustedRegistries,
		AllowedBases: c.AllowedBases, LabelSchema: c.LabelSchema, StrictLabels: c.StrictLabels,
	}
	for id, s := range c.Override {
		sev, err := finding.ParseSeverity(s)
		if err != nil {
			return Options{}, fmt.Errorf("lint override %s: %w", id, err)
		}
		if o.Override == nil {
			o.Override = map[string]finding.Severity{}
		}
		o.Override[strings.ToUpper(id)] = sev
	}
	if err := validateLabelSchema(o.LabelSchema); err != nil {
		return Options{}, err
	}
	return o, nil
}

// HadolintConfig is hadolint's configuration file (.hadolint.yaml), with
// the keys that change what is reported.
type HadolintConfig struct {
	Ignored  []string `yaml:"ignored"`
	Override struct {
		Error   []string `yaml:"error"`
		Warning []string `yaml:"warning"`
		Info    []string `yaml:"info"`
		Style   []string `yaml:"style"`
	} `yaml:"override"`
	TrustedRegistries   []string          `yaml:"trustedRegistries"`
	LabelSchema         map[string]string `yaml:"label-schema"`
	StrictLabels        bool              `yaml:"strict-labels"`
	FailureThreshold    string            `yaml:"failure-threshold"`
	NoFail              bool              `yaml:"no-fail"`
	DisableIgnorePragma bool              `yaml:"disable-ignore-pragma"`
}

// HadolintConfigNames are the file names hadolint looks for in a directory.
var HadolintConfigNames = []string{".hadolint.yaml", ".hadolint.yml"}

// LoadHadolintConfig reads a .hadolint.yaml file.
func LoadHadolintConfig(path string) (*HadolintConfig, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return ParseHadolintConfig(path, fh)
}

// ParseHadolintConfig decodes a hadolint configuration; errors name the file.
func ParseHadolintConfig(name string, r io.Reader) (*HadolintConfig, error) {
	data, err := safeio.ReadAll(r, safeio.MaxConfigFile, "config size")
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	var c HadolintConfig
	if len(bytes.TrimSpace(data)) == 0 {
		return &c, nil
	}
	if err := yaml.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	if c.FailureThreshold != "" && !strings.EqualFold(c.FailureThreshold, "none") {
		if _, err := finding.ParseSeverity(c.FailureThreshold); err != nil {
			return nil, fmt.Errorf("%s: failure-threshold: %w", name, err)
		}
	}
	if err := validateLabelSchema(c.LabelSchema); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &c, nil
}

// Apply merges the hadolint settings into o.
func (c *HadolintConfig) Apply(o *Options) {
	o.Ignore = append(o.Ignore, c.Ignored...)
	for name, ids := range map[string][]string{"error": c.Override.Error, "warning": c.Override.Warning, "info": c.Override.Info, "style": c.Override.Style} {
		sev, _ := FromHadolint(name)
		for _, id := range ids {
			if o.Override == nil {
				o.Override = map[string]finding.Severity{}
			}
			o.Override[strings.ToUpper(strings.TrimSpace(id))] = sev
		}
	}
	o.TrustedRegistries = append(o.TrustedRegistries, c.TrustedRegistries...)
	if len(c.LabelSchema) > 0 {
		if o.LabelSchema == nil {
			o.LabelSchema = map[string]string{}
		}
		for k, v := range c.LabelSchema {
			o.LabelSchema[k] = v
		}
	}
	o.StrictLabels = o.StrictLabels || c.StrictLabels
	o.NoInlinePragmas = o.NoInlinePragmas || c.DisableIgnorePragma
}

// Threshold returns the failure threshold the file asks for: ok is false
// when it sets none, and never is true for no-fail or "none".
func (c *HadolintConfig) Threshold() (sev finding.Severity, ok, never bool) {
	if c.NoFail || strings.EqualFold(c.FailureThreshold, "none") {
		return 0, false, true
	}
	if c.FailureThreshold == "" {
		return 0, false, false
	}
	sev, err := finding.ParseSeverity(c.FailureThreshold)
	return sev, err == nil, false
}

// LabelTypes are the label-schema types hadolint defines.
var LabelTypes = []string{"text", "url", "hash", "rfc3339", "semver", "spdx", "email"}

func validateLabelSchema(m map[string]string) error {
	var errs []error
	for k, v := range m {
		ok := false
		for _, t := range LabelTypes {
			if v == t {
				ok = true
			}
		}
		if !ok {
			errs = append(errs, fmt.Errorf("label-schema %s: unknown type %q (want one of %s)", k, v, strings.Join(LabelTypes, ", ")))
		}
	}
	return errors.Join(errs...)
}
