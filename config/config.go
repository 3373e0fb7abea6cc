// Package config loads .sluice.yaml strictly: an unknown key is an error that
// names the file and line, so a typo never silently turns a check off. The raw
// file maps onto engine Options in internal/cli; precedence is command-line
// flag, then SLUICE_* environment variable, then this file, then the default.
package config

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/internal/strictyaml"
)

// DefaultFile is read when --config is not given; it need not exist.
const DefaultFile = ".sluice.yaml"

// CurrentVersion is the config schema version this binary writes and reads.
const CurrentVersion = 1

// File is the raw .sluice.yaml. Every key is documented in docs/config.md.
type File struct {
	// Version of the config schema; 0 or 1.
	Version int `yaml:"version"`
	// FailOn is the default --fail-on for every command.
	FailOn string `yaml:"fail_on"`
	// DB is the advisory database path (--db).
	DB string `yaml:"db"`
	// CacheDir holds per-layer analysis results (--cache-dir).
	CacheDir string `yaml:"cache_dir"`
	// Exceptions is the exceptions ledger (default .sluiceignore).
	Exceptions string `yaml:"exceptions"`
	// AllowedRegistries is the one list of registries images may come from,
	// shared by lint (base images), config (workload images) and audit.
	AllowedRegistries []string `yaml:"allowed_registries"`
	// Offline refuses every non-loopback network connection (--offline).
	Offline bool `yaml:"offline"`
	// RequiredLabels are OCI labels an image must carry.
	RequiredLabels []string `yaml:"required_labels"`
	// AllowedSigners is the SSH allowed_signers file of verify-commits.
	AllowedSigners string `yaml:"allowed_signers"`
	// GPGHome is the GnuPG home whose keys verify-commits accepts.
	GPGHome string `yaml:"gpg_home"`
	// SeverityOverrides sets the severity of a rule's findings, whatever
	// engine reports them (DL3008: low, K8S004: info, AUD002: high).
	SeverityOverrides map[string]string `yaml:"severity_overrides"`
	// Ignore turns rules off, each with the reason why; their findings stay
	// in JSON reports, suppressed.
	Ignore []IgnoredRule `yaml:"ignore"`

	// The pipeline of `sluice ci` (config/ci.go, docs/ci.md).
	Targets Targets  `yaml:"targets"`
	Stages  Stages   `yaml:"stages"`
	Build   *Command `yaml:"build"`
	Push    *Command `yaml:"push"`
	Sign    *Sign    `yaml:"sign"`
	Promote *Promote `yaml:"promote"`
	Policy  Policy   `yaml:"policy"`
	Trust   Trust    `yaml:"trust"`
	// Reports maps a report format to the file `sluice ci` writes it to.
	Reports map[string]string `yaml:"reports"`

	// Path is the file it was read from; empty when no file was found.
	Path string `yaml:"-"`
}

// Load reads path. When optional is true a missing file gives the zero File.
func Load(path string, optional bool) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		if optional && errors.Is(err, os.ErrNotExist) {
			return &File{}, nil
		}
		return nil, fmt.Errorf("read config: %w", err)
	}
	defer f.Close()
	cfg, err := Parse(path, f)
	if err != nil {
		return nil, err
	}
	return cfg, nil
}

// Parse reads a config from r; name is used in errors.
func Parse(name string, r io.Reader) (*File, error) {
	data, err := safeio.ReadAll(r, safeio.MaxConfigFile, "config file size")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	cfg := &File{Path: name}
	if err := strictyaml.Decode(name, data, cfg); err != nil {
		return nil, err
	}
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return cfg, nil
}

func (c *File) validate() error {
	if c.Version < 0 || c.Version > CurrentVersion {
		return fmt.Errorf("version %d is newer than this sluice understands (%d): upgrade sluice", c.Version, CurrentVersion)
	}
	if c.FailOn != "" {
		if _, err := finding.ParseSeverity(c.FailOn); err != nil {
			return fmt.Errorf("fail_on: %w", err)
		}
	}
	for id, v := range c.SeverityOverrides {
		if _, err := finding.ParseSeverity(v); err != nil {
			return fmt.Errorf("severity_overrides.%s: %w", id, err)
		}
	}
	for i, r := range c.Ignore {
		if r.ID == "" || r.Reason == "" {
			return fmt.Errorf("ignore[%d]: id and reason are required (an ignored rule says why)", i)
		}
	}
	return c.validateCI()
}

// IgnoredRule is a rule turned off for the whole project.
type IgnoredRule struct {
	ID     string `yaml:"id"`
	Reason string `yaml:"reason"`
}
