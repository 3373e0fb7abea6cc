// Package exception is the one exceptions ledger of sluice: a .sluiceignore
// file lists findings a team accepts, each with a reason, an owner and an
// expiry. Every engine's findings go through the same Apply, so a CVE, a
// secret, a lint rule or a Kubernetes check is silenced the same way, an
// expired entry stops silencing and says so loudly, and an entry that matched
// nothing is reported as stale.
package exception

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/internal/glob"
	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/internal/strictyaml"
)

// DefaultFile is the ledger read when none is named.
const DefaultFile = ".sluiceignore"

// maxEntries bounds a ledger; real ones have tens of entries.
const maxEntries = 10_000

// Entry is one accepted finding.
type Entry struct {
	// ID is a rule ID (DL3008, aws-access-token, pss:privileged) or an
	// advisory ID; a vulnerability matches by its ID or any alias.
	ID string `yaml:"id"`
	// Paths, Targets and Packages narrow the entry: each, when given, must
	// match (glob; "**" crosses directories). Packages match the package name
	// or its purl.
	Paths    []string `yaml:"paths"`
	Targets  []string `yaml:"targets"`
	Packages []string `yaml:"packages"`
	Reason   string   `yaml:"reason"`
	Owner    string   `yaml:"owner"`
	// Expires is the last day (YYYY-MM-DD, UTC) the entry applies.
	Expires string `yaml:"expires"`

	// Line is where the entry starts in the file.
	Line int `yaml:"-"`

	expires  time.Time // end of the Expires day; zero when none
	paths    []*glob.Pattern
	targets  []*glob.Pattern
	packages []*glob.Pattern
}

// Ledger is a loaded exceptions file.
type Ledger struct {
	File    string
	Entries []*Entry
}

type fileFormat struct {
	Exceptions []yaml.Node `yaml:"exceptions"`
}

// Load reads a ledger. A missing file is not an error when optional is true
// (the default .sluiceignore need not exist); it gives an empty ledger.
func Load(path string, optional bool) (*Ledger, error) {
	f, err := os.Open(path)
	if err != nil {
		if optional && errors.Is(err, os.ErrNotExist) {
			return &Ledger{File: path}, nil
		}
		return nil, fmt.Errorf("read exceptions: %w", err)
	}
	defer f.Close()
	return Parse(path, f)
}

// Parse reads a ledger from r; name is used in errors and notes.
func Parse(name string, r io.Reader) (*Ledger, error) {
	data, err := safeio.ReadAll(r, safeio.MaxConfigFile, "exceptions file size")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	l := &Ledger{File: name}
	var ff fileFormat
	if err := strictyaml.Decode(name, data, &ff); err != nil {
		return nil, err
	}
	if len(ff.Exceptions) > maxEntries {
		return nil, fmt.Errorf("%s: %d exceptions exceed the limit of %d", name, len(ff.Exceptions), maxEntries)
	}
	for i := range ff.Exceptions {
		node := &ff.Exceptions[i]
		var e Entry
		if err := decodeStrict(name, node, &e); err != nil {
			return nil, err
		}
		e.Line = node.Line
		if err := e.compile(); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, e.Line, err)
		}
		l.Entries = append(l.Entries, &e)
	}
	return l, nil
}

// decodeStrict decodes one entry rejecting unknown keys, which Node.Decode
// alone does not do: the node is re-encoded and decoded strictly, and line
// numbers are shifted back to the file's.
func decodeStrict(name string, n *yaml.Node, v any) error {
	out, err := yaml.Marshal(n)
	if err != nil {
		return fmt.Errorf("%s:%d: %w", name, n.Line, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(out))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return strictyaml.Wrap(name, n.Line-1, err)
	}
	return nil
}

func (e *Entry) compile() error {
	if strings.TrimSpace(e.ID) == "" {
		return errors.New("exception has no id (a rule or advisory ID)")
	}
	if strings.TrimSpace(e.Reason) == "" {
		return fmt.Errorf("exception %s has no reason: say why it is accepted", e.ID)
	}
	if e.Expires != "" {
		d, err := time.Parse(time.DateOnly, e.Expires)
		if err != nil {
			return fmt.Errorf("exception %s: expires %q is not a date (YYYY-MM-DD)", e.ID, e.Expires)
		}
		e.expires = d.AddDate(0, 0, 1) // the whole day is still valid
	}
	var err error
	if e.paths, err = glob.CompileAll(e.Paths); err != nil {
		return fmt.Errorf("exception %s: paths: %w", e.ID, err)
	}
	if e.targets, err = glob.CompileAll(e.Targets); err != nil {
		return fmt.Errorf("exception %s: targets: %w", e.ID, err)
	}
	if e.packages, err = glob.CompileAll(e.Packages); err != nil {
		return fmt.Errorf("exception %s: packages: %w", e.ID, err)
	}
	return nil
}

// Expired reports whether the entry no longer applies at now.
func (e *Entry) Expired(now time.Time) bool {
	return !e.expires.IsZero() && !now.Before(e.expires)
}

// matches reports whether the entry covers f in target.
func (e *Entry) matches(f *finding.Finding, target string) bool {
	if !strings.EqualFold(e.ID, f.Rule) && !containsFold(f.Aliases, e.ID) {
		return false
	}
	if len(e.paths) > 0 && !glob.Any(e.paths, f.Location.Path) {
		return false
	}
	if len(e.targets) > 0 && !glob.Any(e.targets, target) {
		return false
	}
	if len(e.packages) > 0 {
		if f.Package == nil || !(glob.Any(e.packages, f.Package.Name) || glob.Any(e.packages, f.Package.PURL)) {
			return false
		}
	}
	return true
}

func (e *Entry) describe() string {
	owner := e.Owner
	if owner == "" {
		owner = "no owner"
	}
	return fmt.Sprintf("exception %s (%s, line %d)", e.ID, owner, e.Line)
}

// Outcome is what applying a ledger did.
type Outcome struct {
	Suppressed int
	// Expired entries matched findings but no longer apply: those findings
	// are active again.
	Expired []*Entry
	// Stale entries matched no finding in this run.
	Stale []*Entry
}

// Apply marks the findings of res that a live entry covers as suppressed and
// adds notes for expired and stale entries. Findings already suppressed (by an
// inline pragma, say) are left as they are.
func (l *Ledger) Apply(res *finding.Result, now time.Time) Outcome {
	var out Outcome
	if l == nil || len(l.Entries) == 0 {
		return out
	}
	used := make(map[*Entry]bool)
	expiredHit := make(map[*Entry]bool)
	for i := range res.Findings {
		f := &res.Findings[i]
		for _, e := range l.Entries {
			if !e.matches(f, res.Target.Name) {
				continue
			}
			used[e] = true
			if e.Expired(now) {
				expiredHit[e] = true
				continue
			}
			if f.Suppressed == nil {
				f.Suppressed = &finding.Suppression{
					Kind: "ignore-file", Reason: e.Reason, Owner: e.Owner, Expires: e.Expires,
					Source: fmt.Sprintf("%s:%d", l.File, e.Line),
				}
				out.Suppressed++
			}
			break
		}
	}
	for _, e := range l.Entries {
		switch {
		case expiredHit[e]:
			out.Expired = append(out.Expired, e)
			res.Notes = append(res.Notes, finding.Note{Level: finding.NoteError, Message: fmt.Sprintf(
				"%s in %s expired on %s: its findings count again; renew it with a new reason or fix them", e.describe(), l.File, e.Expires)})
		case !used[e]:
			out.Stale = append(out.Stale, e)
			res.Notes = append(res.Notes, finding.Note{Level: finding.NoteWarning, Message: fmt.Sprintf(
				"%s in %s matched nothing in this run: remove it if the finding is gone", e.describe(), l.File)})
		}
	}
	return out
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
