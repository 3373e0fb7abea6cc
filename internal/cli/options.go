package cli

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/config"
)

// option is one row of the option table: how a setting can be given. The
// first source that sets it wins: command-line flag, then the SLUICE_*
// environment variable, then the .sluice.yaml key, then the flag default.
type option struct {
	flag string
	// key is the .sluice.yaml key, empty when the setting has none.
	key string
	// fromConfig reads the key's value; "" means unset.
	fromConfig func(*config.File) string
	// fromConfigList reads a list key for a repeatable flag: each entry is
	// given to the flag, and the environment variable holds the entries
	// separated by commas. An empty list means unset.
	fromConfigList func(*config.File) []string
}

// options is the option table (docs/config.md renders it). Flags that a
// command lacks are skipped for that command.
var options = []option{
	{flag: "config"},
	{flag: "quiet"},
	{flag: "no-progress"},
	{flag: "no-color"},
	{flag: "format"},
	{flag: "output"},
	{flag: "no-cache"},
	{flag: "offline", key: "offline", fromConfig: func(c *config.File) string { return boolString(c.Offline) }},
	{flag: "fail-on", key: "fail_on", fromConfig: func(c *config.File) string { return c.FailOn }},
	{flag: "db", key: "db", fromConfig: func(c *config.File) string { return c.DB }},
	{flag: "cache-dir", key: "cache_dir", fromConfig: func(c *config.File) string { return c.CacheDir }},
	{flag: "exceptions", key: "exceptions", fromConfig: func(c *config.File) string { return c.Exceptions }},
	{flag: "allowed-signers", key: "allowed_signers", fromConfig: func(c *config.File) string { return c.AllowedSigners }},
	{flag: "gpg-home", key: "gpg_home", fromConfig: func(c *config.File) string { return c.GPGHome }},
	{flag: "allowed-registry", key: "allowed_registries", fromConfigList: func(c *config.File) []string { return c.AllowedRegistries }},
	{flag: "required-label", key: "required_labels", fromConfigList: func(c *config.File) []string { return c.RequiredLabels }},
}

// envPrefix is the prefix of environment overrides: SLUICE_FAIL_ON sets
// --fail-on when the flag is not given on the command line.
const envPrefix = "SLUICE_"

// envName returns the variable that overrides a flag.
func envName(flag string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// applyEnv sets flags from SLUICE_* variables unless given on the command line.
func applyEnv(cmd *cobra.Command) error {
	for _, o := range options {
		f := cmd.Flags().Lookup(o.flag)
		if f == nil || f.Changed {
			continue
		}
		v, ok := os.LookupEnv(envName(o.flag))
		if !ok {
			continue
		}
		values := []string{v}
		if o.fromConfigList != nil {
			values = splitList(v)
		}
		for _, v := range values {
			if err := f.Value.Set(v); err != nil {
				return usageErrorf("%s=%q: %v", envName(o.flag), v, err)
			}
		}
		f.Changed = true
	}
	return nil
}

// loadConfig reads the config file (required only when named explicitly) and
// fills flags that neither the command line nor the environment set.
func (a *app) loadConfig(cmd *cobra.Command) error {
	explicit := flagChanged(cmd.Flags(), "config")
	if explicit && strings.EqualFold(filepath.Ext(a.configPath), ".toml") {
		// gitleaks users write `--config gitleaks.toml`: for the command
		// that reads gitleaks configs it names one, and .sluice.yaml is
		// read from its default place.
		gl := cmd.Flags().Lookup("gitleaks-config")
		if gl == nil {
			return usageErrorf("--config %s: a TOML file is a gitleaks configuration, which only sluice secrets reads; --config names the .sluice.yaml file", a.configPath)
		}
		if !gl.Changed {
			if err := gl.Value.Set(a.configPath); err != nil {
				return err
			}
		}
		a.configPath, explicit = config.DefaultFile, false
	}
	cfg, err := config.Load(a.configPath, !explicit)
	if err != nil {
		return err
	}
	a.cfg = cfg
	for _, o := range options {
		f := cmd.Flags().Lookup(o.flag)
		if f == nil || f.Changed {
			continue
		}
		var values []string
		switch {
		case o.fromConfig != nil && o.fromConfig(cfg) != "":
			values = []string{o.fromConfig(cfg)}
		case o.fromConfigList != nil:
			values = o.fromConfigList(cfg)
		}
		for _, v := range values {
			if err := f.Value.Set(v); err != nil {
				return usageErrorf("%s: %s: %v", cfg.Path, o.key, err)
			}
		}
	}
	return nil
}

// splitList reads a list from an environment variable: entries separated
// by commas, blanks around them dropped.
func splitList(v string) []string {
	var out []string
	for _, e := range strings.Split(v, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// boolString renders a config bool for a flag; false means unset, so a config
// file cannot turn off what the command line turned on.
func boolString(b bool) string {
	if b {
		return "true"
	}
	return ""
}
