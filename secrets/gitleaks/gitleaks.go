// Package gitleaks loads gitleaks v8 configuration files (gitleaks.toml) into
// secrets.Config, so teams keep their rules and tuning: rules with regex,
// secretGroup, entropy, keywords, path and allowlists ([rules.allowlist] and
// [[rules.allowlists]] with regexTarget, condition, stopwords, commits and
// paths), global [allowlist] / [[allowlists]] with targetRules, and
// [extend] useDefault / path / disabledRules. It also reads .gitleaksignore.
//
// sluice does not ship gitleaks' default rules: [extend] useDefault extends
// the base rules the caller passes (sluice's built-in rules). Go's regexp is
// RE2, as gitleaks' own default build; a rule whose regex does not compile is
// skipped and reported, not fatal.
package gitleaks

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/secrets"
)

// rawConfig mirrors the TOML of a gitleaks v8 config
// (https://github.com/gitleaks/gitleaks#configuration).
type rawConfig struct {
	Title       string          `toml:"title"`
	Description string          `toml:"description"`
	MinVersion  string          `toml:"minVersion"`
	Extend      rawExtend       `toml:"extend"`
	Rules       []rawRule       `toml:"rules"`
	Allowlist   *rawAllowlist   `toml:"allowlist"`
	Allowlists  []*rawAllowlist `toml:"allowlists"`
}

type rawExtend struct {
	Path          string   `toml:"path"`
	URL           string   `toml:"url"`
	UseDefault    bool     `toml:"useDefault"`
	DisabledRules []string `toml:"disabledRules"`
}

type rawRule struct {
	ID          string          `toml:"id"`
	Description string          `toml:"description"`
	Path        string          `toml:"path"`
	Regex       string          `toml:"regex"`
	SecretGroup int             `toml:"secretGroup"`
	Entropy     float64         `toml:"entropy"`
	Keywords    []string        `toml:"keywords"`
	Tags        []string        `toml:"tags"`
	Allowlist   *rawAllowlist   `toml:"allowlist"`
	Allowlists  []*rawAllowlist `toml:"allowlists"`
	SkipReport  bool            `toml:"skipReport"`
	Required    []struct {
		ID string `toml:"id"`
	} `toml:"required"`
}

type rawAllowlist struct {
	Description string   `toml:"description"`
	Condition   string   `toml:"condition"`
	Commits     []string `toml:"commits"`
	Paths       []string `toml:"paths"`
	RegexTarget string   `toml:"regexTarget"`
	Regexes     []string `toml:"regexes"`
	StopWords   []string `toml:"stopwords"`
	TargetRules []string `toml:"targetRules"`
}

// Options tune loading. The zero value works.
type Options struct {
	// Base are the rules [extend] useDefault extends (sluice's built-ins).
	Base []secrets.Rule
	// Severities gives the severity of rule IDs; rules not in it are high,
	// or critical for private keys and medium for generic rules.
	Severities map[string]finding.Severity
	// MaxSize bounds the config file; 0 means safeio.MaxConfigFile.
	MaxSize int64
}

// Result is a loaded configuration with what had to be left out.
type Result struct {
	Config secrets.Config
	Title  string
	// Skipped lists rules left out and why (a regex RE2 cannot compile).
	Skipped []Skipped
	// Warnings are other things the user should know (unknown keys, an
	// extend.url, which sluice cannot fetch).
	Warnings []string
}

// Skipped is a rule that could not be loaded.
type Skipped struct {
	ID     string
	Reason string
}

// Notes renders Skipped and Warnings as report notes.
func (r *Result) Notes(file string) []finding.Note {
	var notes []finding.Note
	for _, s := range r.Skipped {
		notes = append(notes, finding.Note{Level: finding.NoteWarning, Message: fmt.Sprintf("%s: rule %s skipped: %s", file, s.ID, s.Reason)})
	}
	for _, w := range r.Warnings {
		notes = append(notes, finding.Note{Level: finding.NoteWarning, Message: file + ": " + w})
	}
	return notes
}

const maxExtendDepth = 2

// Load reads a gitleaks config file. [extend] path is resolved relative to
// the file's directory.
func Load(path string, opts Options) (*Result, error) {
	return load(path, opts, 0)
}

func load(path string, opts Options, depth int) (*Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("gitleaks config: %w", err)
	}
	defer f.Close()
	max := opts.MaxSize
	if max <= 0 {
		max = safeio.MaxConfigFile
	}
	data, err := safeio.ReadAll(f, max, "gitleaks config size")
	if err != nil {
		return nil, fmt.Errorf("gitleaks config %s: %w", path, err)
	}
	return parse(data, path, opts, depth)
}

// Parse reads a gitleaks config from memory; name is used in messages and
// to resolve [extend] path.
func Parse(data []byte, name string, opts Options) (*Result, error) {
	return parse(data, name, opts, 0)
}

func parse(data []byte, name string, opts Options, depth int) (*Result, error) {
	var raw rawConfig
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&raw)
	if err != nil {
		return nil, fmt.Errorf("gitleaks config %s: %w", name, err)
	}
	res := &Result{Title: raw.Title}
	for _, k := range md.Undecoded() {
		res.Warnings = append(res.Warnings, fmt.Sprintf("unknown key %q ignored", k.String()))
	}
	if raw.Extend.URL != "" {
		res.Warnings = append(res.Warnings, "[extend] url is not supported (sluice makes no network calls): ignored")
	}

	var rules []secrets.Rule
	for i, rr := range raw.Rules {
		r, reason := translateRule(rr, opts)
		if reason != "" {
			id := rr.ID
			if id == "" {
				id = fmt.Sprintf("#%d", i+1)
			}
			res.Skipped = append(res.Skipped, Skipped{ID: id, Reason: reason})
			continue
		}
		if slices.ContainsFunc(rules, func(o secrets.Rule) bool { return o.ID == r.ID }) {
			return nil, fmt.Errorf("gitleaks config %s: rule %q is defined twice", name, r.ID)
		}
		rules = append(rules, r)
	}

	var globals []secrets.Allowlist
	if raw.Allowlist != nil {
		if len(raw.Allowlists) > 0 {
			return nil, fmt.Errorf("gitleaks config %s: [allowlist] cannot be used alongside [[allowlists]]", name)
		}
		raw.Allowlists = append(raw.Allowlists, raw.Allowlist)
	}
	for i, ra := range raw.Allowlists {
		a, err := translateAllowlist(ra)
		if err != nil {
			return nil, fmt.Errorf("gitleaks config %s: [[allowlists]] %d: %w", name, i+1, err)
		}
		globals = append(globals, a)
	}

	if raw.Extend.UseDefault && raw.Extend.Path != "" {
		return nil, fmt.Errorf("gitleaks config %s: [extend] sets both useDefault and path: choose one", name)
	}
	if depth < maxExtendDepth && (raw.Extend.UseDefault || raw.Extend.Path != "") {
		var base []secrets.Rule
		var baseAllow []secrets.Allowlist
		if raw.Extend.UseDefault {
			base = slices.Clone(opts.Base)
		} else {
			p := raw.Extend.Path
			if !filepath.IsAbs(p) {
				p = filepath.Join(filepath.Dir(name), p)
			}
			sub, err := load(p, opts, depth+1)
			if err != nil {
				return nil, fmt.Errorf("gitleaks config %s: [extend] path: %w", name, err)
			}
			base, baseAllow = sub.Config.Rules, sub.Config.Allowlists
			res.Skipped = append(res.Skipped, sub.Skipped...)
			res.Warnings = append(res.Warnings, sub.Warnings...)
		}
		rules = extend(rules, base, raw.Extend.DisabledRules)
		globals = append(globals, baseAllow...)
	}

	// As gitleaks, rules are validated once extended: an override may carry
	// neither regex nor path of its own.
	rules = slices.DeleteFunc(rules, func(r secrets.Rule) bool {
		if r.Regex == "" && r.Path == "" {
			res.Skipped = append(res.Skipped, Skipped{ID: r.ID, Reason: "neither regex nor path"})
			return true
		}
		return false
	})
	// An allowlist targeting a rule that is skipped or absent: gitleaks
	// refuses such configs when the rule does not exist; a skipped rule only
	// loses its allowlist.
	ids := map[string]bool{}
	for _, r := range rules {
		ids[r.ID] = true
	}
	kept := globals[:0]
	for _, a := range globals {
		if len(a.TargetRules) == 0 {
			kept = append(kept, a)
			continue
		}
		var targets []string
		for _, id := range a.TargetRules {
			switch {
			case ids[id]:
				targets = append(targets, id)
			case slices.ContainsFunc(res.Skipped, func(s Skipped) bool { return s.ID == id }):
			default:
				return nil, fmt.Errorf("gitleaks config %s: [[allowlists]] targets rule %q, which does not exist", name, id)
			}
		}
		if len(targets) > 0 { // else it targets only skipped rules
			a.TargetRules = targets
			kept = append(kept, a)
		}
	}
	globals = kept
	slices.SortFunc(rules, func(a, b secrets.Rule) int { return strings.Compare(a.ID, b.ID) })
	res.Config = secrets.Config{Rules: rules, Allowlists: globals}
	return res, nil
}

// extend merges a config's rules onto base rules, as gitleaks does: a rule
// of the same ID overrides description, entropy, secretGroup, regex and path
// when set, and adds its keywords, tags and allowlists.
func extend(own, base []secrets.Rule, disabled []string) []secrets.Rule {
	byID := map[string]int{}
	for i, r := range own {
		byID[r.ID] = i
	}
	out := slices.Clone(own)
	for _, b := range base {
		if slices.Contains(disabled, b.ID) {
			continue
		}
		i, ok := byID[b.ID]
		if !ok {
			out = append(out, b)
			continue
		}
		c := own[i]
		m := b
		if c.Description != "" {
			m.Description = c.Description
		}
		if c.Entropy != 0 {
			m.Entropy = c.Entropy
		}
		if c.SecretGroup != 0 {
			m.SecretGroup = c.SecretGroup
		}
		if c.Regex != "" {
			m.Regex = c.Regex
		}
		if c.Path != "" {
			m.Path = c.Path
		}
		m.Tags = append(slices.Clone(b.Tags), c.Tags...)
		m.Keywords = append(slices.Clone(b.Keywords), c.Keywords...)
		m.Allowlists = append(slices.Clone(b.Allowlists), c.Allowlists...)
		out[i] = m
	}
	return out
}

// translateRule turns a raw rule into a secrets.Rule, or gives the reason it
// cannot be used.
func translateRule(rr rawRule, opts Options) (secrets.Rule, string) {
	if rr.ID == "" {
		return secrets.Rule{}, "no id"
	}
	if rr.Regex != "" {
		re, err := regexp.Compile(rr.Regex)
		if err != nil {
			return secrets.Rule{}, "regex does not compile in RE2: " + err.Error()
		}
		if rr.SecretGroup < 0 || rr.SecretGroup > re.NumSubexp() {
			return secrets.Rule{}, fmt.Sprintf("secretGroup %d but the regex has %d groups", rr.SecretGroup, re.NumSubexp())
		}
	}
	if rr.Path != "" {
		if _, err := regexp.Compile(rr.Path); err != nil {
			return secrets.Rule{}, "path does not compile in RE2: " + err.Error()
		}
	}
	if rr.SkipReport {
		return secrets.Rule{}, "skipReport rules only serve multi-part (required) rules, which sluice does not support"
	}
	if len(rr.Required) > 0 {
		return secrets.Rule{}, "multi-part rules ([[rules.required]]) are not supported"
	}
	r := secrets.Rule{
		ID: rr.ID, Description: rr.Description, Regex: rr.Regex, SecretGroup: rr.SecretGroup,
		Entropy: rr.Entropy, Path: rr.Path, Tags: rr.Tags, Version: 1,
		Severity: severityFor(rr.ID, opts.Severities),
	}
	for _, k := range rr.Keywords {
		r.Keywords = append(r.Keywords, strings.ToLower(k))
	}
	if rr.Allowlist != nil {
		if len(rr.Allowlists) > 0 {
			return secrets.Rule{}, "[rules.allowlist] cannot be used alongside [[rules.allowlists]]"
		}
		rr.Allowlists = append(rr.Allowlists, rr.Allowlist)
	}
	for i, ra := range rr.Allowlists {
		a, err := translateAllowlist(ra)
		if err != nil {
			return secrets.Rule{}, fmt.Sprintf("allowlist %d: %v", i+1, err)
		}
		r.Allowlists = append(r.Allowlists, a)
	}
	if r.Description == "" {
		r.Description = r.ID
	}
	return r, ""
}

func severityFor(id string, known map[string]finding.Severity) finding.Severity {
	if s, ok := known[id]; ok {
		return s
	}
	switch {
	case strings.Contains(id, "private-key"):
		return finding.SeverityCritical
	case strings.Contains(id, "generic"):
		return finding.SeverityMedium
	}
	return finding.SeverityHigh
}

func translateAllowlist(ra *rawAllowlist) (secrets.Allowlist, error) {
	if ra == nil {
		return secrets.Allowlist{}, fmt.Errorf("empty allowlist")
	}
	a := secrets.Allowlist{
		Description: ra.Description, Condition: ra.Condition, Commits: ra.Commits, Paths: ra.Paths,
		RegexTarget: ra.RegexTarget, Regexes: ra.Regexes, StopWords: ra.StopWords, TargetRules: ra.TargetRules,
	}
	switch strings.ToUpper(strings.TrimSpace(a.Condition)) {
	case "", "OR", "||", "AND", "&&":
	default:
		return a, fmt.Errorf("condition %q: want AND or OR", a.Condition)
	}
	switch a.RegexTarget {
	case "", "secret", "match", "line":
	default:
		return a, fmt.Errorf("regexTarget %q: want secret, match or line", a.RegexTarget)
	}
	if len(a.Commits)+len(a.Paths)+len(a.Regexes)+len(a.StopWords) == 0 {
		return a, fmt.Errorf("must contain at least one of commits, paths, regexes or stopwords")
	}
	for _, p := range slices.Concat(a.Paths, a.Regexes) {
		if _, err := regexp.Compile(p); err != nil {
			return a, fmt.Errorf("regex %q does not compile in RE2: %v", p, err)
		}
	}
	return a, nil
}

// ParseIgnore reads a .gitleaksignore file: one fingerprint per line
// ("path:rule:line" or "commit:path:rule:line"), # comments and blank lines
// skipped, backslashes in paths turned into slashes.
func ParseIgnore(r io.Reader) (map[string]bool, error) {
	out := map[string]bool{}
	sc := bufio.NewScanner(safeio.LimitReader(r, safeio.MaxConfigFile, ".gitleaksignore size"))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, ":")
		switch len(parts) {
		case 3:
			parts[0] = strings.ReplaceAll(parts[0], `\`, "/")
		case 4:
			parts[1] = strings.ReplaceAll(parts[1], `\`, "/")
		}
		out[strings.Join(parts, ":")] = true
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf(".gitleaksignore: %w", err)
	}
	return out, nil
}
