package secrets

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"

	"github.com/sluice-dev/sluice/finding"
)

// Rule is one kind of secret, as plain data: built-in rules (secrets/rules)
// and rules loaded from a gitleaks configuration have the same shape. A rule
// reports a match of Regex in a file that contains at least one of Keywords
// (case-insensitive; a rule without keywords runs on every file), whose path
// matches Path (when set), and whose secret passes Entropy and no allowlist.
// A rule with Path and no Regex reports the file itself (a .p12 keystore).
type Rule struct {
	ID          string
	Description string
	// Severity of a finding; zero means high.
	Severity finding.Severity
	// Regex is an RE2 expression (Go regexp syntax).
	Regex string
	// SecretGroup is the capture group holding the secret; 0 means the
	// first non-empty group, or the whole match when the regex has none.
	SecretGroup int
	// Entropy is the minimum Shannon entropy (bits per byte) of the secret;
	// a secret at or below it is ignored. 0 disables the check.
	Entropy float64
	// Keywords prefilter files: the rule runs only on files containing one
	// of them (case-insensitive). Keep them; rules without run on every file.
	Keywords []string
	// Path restricts the rule to files whose slash-separated path matches it.
	Path string
	// Allowlists silence findings of this rule.
	Allowlists []Allowlist
	// Tags are free-form labels (from gitleaks configs).
	Tags []string
	// Version changes whenever the rule's output for the same input does.
	Version int

	// ExamplePath is the path the examples are scanned under (for rules
	// with a Path filter); empty means "example.txt".
	ExamplePath string
	// TruePositives must each produce at least one finding of this rule, and
	// FalsePositives none (tested for every rule). Fake values only.
	TruePositives  []string
	FalsePositives []string
}

// Allowlist silences findings. With Condition "OR" (the default) any check
// that matches allows the finding; with "AND" every non-empty check must.
// This is the allowlist of gitleaks v8, with the same semantics.
type Allowlist struct {
	Description string
	Condition   string   // "OR" (default) or "AND"
	Commits     []string // commit hashes, case-insensitive
	Paths       []string // regexes over the file path
	// RegexTarget is what Regexes test: "secret" (default), "match" or "line".
	RegexTarget string
	Regexes     []string
	// StopWords allow a secret containing one of them (case-insensitive).
	StopWords []string
	// TargetRules, on a global allowlist, limit it to these rule IDs.
	TargetRules []string
}

// Config is a complete rule set: rules and the allowlists that apply to all of them.
type Config struct {
	Rules      []Rule
	Allowlists []Allowlist
}

// compiledRule is a Rule ready to run.
type compiledRule struct {
	*Rule
	index      int
	re         *regexp.Regexp
	path       *regexp.Regexp
	allowlists []*compiledAllowlist
	// maxLen is the longest match the regex can make, in bytes; -1 if
	// unbounded (or anchored to the text start), in which case the rule runs
	// on the whole file rather than on windows around keyword hits.
	maxLen int
	// maxNL is the most newlines a match can span; -1 if unbounded.
	maxNL int
	// win bounds a match around a keyword hit; see windowOf.
	win     window
	generic bool
}

// window bounds where a match can lie around the keyword occurrence it
// contains: lines and bytes before the keyword's end and after its start.
// -1 means unbounded.
type window struct {
	nlBefore, nlAfter   int
	lenBefore, lenAfter int
}

type compiledAllowlist struct {
	and         bool
	commits     map[string]bool
	paths       *regexp.Regexp
	regexTarget string
	regexes     *regexp.Regexp
	stopwords   []string
	nCommits    int
	nPaths      int
	nRegexes    int
	nStopwords  int
}

func compileAllowlist(a Allowlist) (*compiledAllowlist, error) {
	c := &compiledAllowlist{regexTarget: a.RegexTarget}
	switch strings.ToUpper(strings.TrimSpace(a.Condition)) {
	case "", "OR", "||":
	case "AND", "&&":
		c.and = true
	default:
		return nil, fmt.Errorf("allowlist condition %q: want AND or OR", a.Condition)
	}
	switch a.RegexTarget {
	case "", "secret":
		c.regexTarget = "secret"
	case "match", "line":
	default:
		return nil, fmt.Errorf("allowlist regexTarget %q: want secret, match or line", a.RegexTarget)
	}
	if len(a.Commits)+len(a.Paths)+len(a.Regexes)+len(a.StopWords) == 0 {
		return nil, fmt.Errorf("allowlist %q is empty: give commits, paths, regexes or stopwords", a.Description)
	}
	if len(a.Commits) > 0 {
		c.commits = map[string]bool{}
		for _, h := range a.Commits {
			c.commits[strings.ToLower(strings.TrimSpace(h))] = true
		}
	}
	var err error
	if c.paths, err = joinRegexes(a.Paths); err != nil {
		return nil, fmt.Errorf("allowlist path: %w", err)
	}
	if c.regexes, err = joinRegexes(a.Regexes); err != nil {
		return nil, fmt.Errorf("allowlist regex: %w", err)
	}
	for _, w := range a.StopWords {
		if w != "" {
			c.stopwords = append(c.stopwords, strings.ToLower(w))
		}
	}
	c.nCommits, c.nPaths, c.nRegexes, c.nStopwords = len(a.Commits), len(a.Paths), len(a.Regexes), len(a.StopWords)
	return c, nil
}

// joinRegexes compiles patterns into one alternation (nil for none), naming
// the pattern that does not compile.
func joinRegexes(pats []string) (*regexp.Regexp, error) {
	if len(pats) == 0 {
		return nil, nil
	}
	parts := make([]string, len(pats))
	for i, p := range pats {
		if _, err := regexp.Compile(p); err != nil {
			return nil, fmt.Errorf("%q: %w", p, err)
		}
		parts[i] = "(?:" + p + ")"
	}
	return regexp.Compile(strings.Join(parts, "|"))
}

// pathOrCommitAllowed is the check made before reading a file: with OR, a
// commit or path match allows the whole file; with AND only when the
// allowlist has nothing but commits and paths.
func (a *compiledAllowlist) pathOrCommitAllowed(path, commit string) bool {
	commitOK := commit != "" && a.commits[strings.ToLower(commit)]
	pathOK := path != "" && a.paths != nil && a.paths.MatchString(path)
	if !a.and {
		return commitOK || pathOK
	}
	if a.nRegexes > 0 || a.nStopwords > 0 {
		return false
	}
	return (a.nCommits == 0 || commitOK) && (a.nPaths == 0 || pathOK)
}

// findingAllowed checks one finding: with OR only regexes and stop words
// (paths and commits were checked per file); with AND every non-empty check.
func (a *compiledAllowlist) findingAllowed(path, commit, secret, match, line string) bool {
	target := secret
	switch a.regexTarget {
	case "match":
		target = match
	case "line":
		target = line
	}
	regexOK := target != "" && a.regexes != nil && a.regexes.MatchString(target)
	stopOK := false
	if secret != "" && len(a.stopwords) > 0 {
		ls := strings.ToLower(secret)
		for _, w := range a.stopwords {
			if strings.Contains(ls, w) {
				stopOK = true
				break
			}
		}
	}
	if !a.and {
		return regexOK || stopOK
	}
	if a.nCommits > 0 && !(commit != "" && a.commits[strings.ToLower(commit)]) {
		return false
	}
	if a.nPaths > 0 && !(path != "" && a.paths.MatchString(path)) {
		return false
	}
	if a.nRegexes > 0 && !regexOK {
		return false
	}
	if a.nStopwords > 0 && !stopOK {
		return false
	}
	return true
}

func compileRule(r *Rule, index int) (*compiledRule, error) {
	if r.ID == "" {
		return nil, fmt.Errorf("rule %d has no id", index)
	}
	c := &compiledRule{Rule: r, index: index, maxLen: -1, maxNL: -1,
		generic: strings.Contains(strings.ToLower(r.ID), "generic")}
	if r.Regex == "" && r.Path == "" {
		return nil, fmt.Errorf("rule %q: needs a regex or a path", r.ID)
	}
	if r.Regex != "" {
		re, err := regexp.Compile(r.Regex)
		if err != nil {
			return nil, fmt.Errorf("rule %q: regex: %w", r.ID, err)
		}
		if r.SecretGroup < 0 || r.SecretGroup > re.NumSubexp() {
			return nil, fmt.Errorf("rule %q: secretGroup %d but the regex has %d groups", r.ID, r.SecretGroup, re.NumSubexp())
		}
		c.re = re
		if prog, err := syntax.Parse(r.Regex, syntax.Perl); err == nil {
			c.maxLen = maxMatchLen(prog.Simplify())
			c.maxNL = maxNewlines(prog.Simplify())
			if hasBeginText(prog) {
				c.maxLen, c.maxNL = -1, -1
			}
			c.win = windowOf(prog.Simplify(), c.maxLen, c.maxNL, r.Keywords)
		}
	}
	if r.Path != "" {
		p, err := regexp.Compile(r.Path)
		if err != nil {
			return nil, fmt.Errorf("rule %q: path: %w", r.ID, err)
		}
		c.path = p
	}
	for i, a := range r.Allowlists {
		ca, err := compileAllowlist(a)
		if err != nil {
			return nil, fmt.Errorf("rule %q: allowlist %d: %w", r.ID, i+1, err)
		}
		c.allowlists = append(c.allowlists, ca)
	}
	return c, nil
}

// maxRegionLen caps the windows: a rule whose longest match is longer runs
// on the whole file instead.
const maxRegionLen = 1 << 14

// maxMatchLen returns an upper bound of the bytes a regex can match, or -1
// when unbounded or when it anchors at the start of the text (windows would
// change its meaning).
func maxMatchLen(re *syntax.Regexp) int {
	const maxRune = 4 // bytes in the longest UTF-8 encoding
	switch re.Op {
	case syntax.OpNoMatch, syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpEndText:
		return 0
	case syntax.OpBeginText:
		return -1
	case syntax.OpLiteral:
		return len(re.Rune) * maxRune
	case syntax.OpCharClass, syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		return maxRune
	case syntax.OpCapture:
		return maxMatchLen(re.Sub[0])
	case syntax.OpStar, syntax.OpPlus:
		return -1
	case syntax.OpQuest:
		return maxMatchLen(re.Sub[0])
	case syntax.OpRepeat:
		if re.Max < 0 {
			return -1
		}
		n := maxMatchLen(re.Sub[0])
		if n < 0 {
			return -1
		}
		return bound(n * re.Max)
	case syntax.OpConcat:
		total := 0
		for _, s := range re.Sub {
			n := maxMatchLen(s)
			if n < 0 {
				return -1
			}
			total = bound(total + n)
		}
		return total
	case syntax.OpAlternate:
		best := 0
		for _, s := range re.Sub {
			n := maxMatchLen(s)
			if n < 0 {
				return -1
			}
			best = max(best, n)
		}
		return best
	}
	return -1
}

func bound(n int) int {
	if n > maxRegionLen {
		return maxRegionLen + 1
	}
	return n
}

// maxNewlines returns the most newlines a match of re can contain, or -1 if
// unbounded.
func maxNewlines(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		n := 0
		for _, r := range re.Rune {
			if r == '\n' {
				n++
			}
		}
		return n
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i] <= '\n' && '\n' <= re.Rune[i+1] {
				return 1
			}
		}
		return 0
	case syntax.OpAnyChar:
		return 1
	case syntax.OpCapture, syntax.OpQuest:
		return maxNewlines(re.Sub[0])
	case syntax.OpStar, syntax.OpPlus, syntax.OpRepeat:
		n := maxNewlines(re.Sub[0])
		if n == 0 {
			return 0
		}
		if n < 0 || re.Op != syntax.OpRepeat || re.Max < 0 {
			return -1
		}
		return bound(n * re.Max)
	case syntax.OpConcat, syntax.OpAlternate:
		total := 0
		for _, s := range re.Sub {
			n := maxNewlines(s)
			if n < 0 {
				return -1
			}
			if re.Op == syntax.OpConcat {
				total = bound(total + n)
			} else {
				total = max(total, n)
			}
		}
		return total
	}
	return 0 // empty-width assertions, AnyCharNotNL, empty match
}

// hasBeginText reports whether re anchors at the start of the text (^
// without (?m), \A): windows would change its meaning.
func hasBeginText(re *syntax.Regexp) bool {
	if re.Op == syntax.OpBeginText {
		return true
	}
	for _, s := range re.Sub {
		if hasBeginText(s) {
			return true
		}
	}
	return false
}

// windowOf bounds a match around a keyword occurrence it holds. In general
// the keyword can be anywhere in the match, so the match lies within maxNL
// lines and maxLen bytes on both sides. When the regex is A K B with K a
// finite set of strings each holding a keyword (an "anchor"), the keyword
// occurrence inside K bounds the match by A before and B after: a generic
// rule "name{0,30} (password|secret) = value" then needs only the lines
// from the keyword's on.
func windowOf(re *syntax.Regexp, maxLen, maxNL int, keywords []string) window {
	w := window{nlBefore: maxNL, nlAfter: maxNL, lenBefore: maxLen, lenAfter: maxLen}
	if maxLen < 0 && maxNL < 0 && len(keywords) == 0 {
		return w
	}
	subs := flattenConcat(re)
	lower := make([]string, len(keywords))
	for i, k := range keywords {
		lower[i] = strings.ToLower(k)
	}
	for i := range subs {
		for j := i; j < len(subs) && j < i+4; j++ {
			strs, ok := finiteStrings(subs[i:j+1], 256)
			if !ok || !allHoldKeyword(strs, lower) {
				continue
			}
			a, k, b := subs[:i], subs[i:j+1], subs[j+1:]
			nlA, nlK, nlB := seqNL(a), seqNL(k), seqNL(b)
			lenA, lenK, lenB := seqLen(a), seqLen(k), seqLen(b)
			return window{
				nlBefore:  addBounded(nlA, nlK),
				nlAfter:   addBounded(nlK, nlB),
				lenBefore: addBounded(lenA, lenK),
				lenAfter:  addBounded(lenK, lenB),
			}
		}
	}
	return w
}

// flattenConcat lists the parts of a concatenation, looking through capture
// groups and nested concatenations (which change no lengths).
func flattenConcat(re *syntax.Regexp) []*syntax.Regexp {
	switch re.Op {
	case syntax.OpCapture:
		return flattenConcat(re.Sub[0])
	case syntax.OpConcat:
		var out []*syntax.Regexp
		for _, s := range re.Sub {
			out = append(out, flattenConcat(s)...)
		}
		return out
	}
	return []*syntax.Regexp{re}
}

func addBounded(a, b int) int {
	if a < 0 || b < 0 {
		return -1
	}
	return bound(a + b)
}

func seqNL(rs []*syntax.Regexp) int {
	n := 0
	for _, r := range rs {
		n = addBounded(n, maxNewlines(r))
	}
	return n
}

func seqLen(rs []*syntax.Regexp) int {
	n := 0
	for _, r := range rs {
		n = addBounded(n, maxMatchLen(r))
	}
	return n
}

func allHoldKeyword(strs []string, keywords []string) bool {
	if len(strs) == 0 {
		return false
	}
	for _, s := range strs {
		found := false
		for _, k := range keywords {
			if k != "" && strings.Contains(s, k) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// finiteStrings lists, lower-cased, every string the concatenation of rs
// matches, if that language is finite and at most limit strings.
func finiteStrings(rs []*syntax.Regexp, limit int) ([]string, bool) {
	out := []string{""}
	for _, r := range rs {
		set, ok := finiteOne(r, limit)
		if !ok || len(out)*len(set) > limit {
			return nil, false
		}
		next := make([]string, 0, len(out)*len(set))
		for _, p := range out {
			for _, s := range set {
				next = append(next, p+s)
			}
		}
		out = next
	}
	return out, true
}

func finiteOne(re *syntax.Regexp, limit int) ([]string, bool) {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpWordBoundary, syntax.OpNoWordBoundary,
		syntax.OpBeginLine, syntax.OpEndLine, syntax.OpEndText:
		return []string{""}, true
	case syntax.OpLiteral:
		return []string{strings.ToLower(string(re.Rune))}, true
	case syntax.OpCharClass:
		var set []string
		seen := map[string]bool{}
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i+1]-re.Rune[i] > 8 {
				return nil, false
			}
			for c := re.Rune[i]; c <= re.Rune[i+1]; c++ {
				s := strings.ToLower(string(c))
				if !seen[s] {
					seen[s] = true
					set = append(set, s)
				}
			}
			if len(set) > 16 {
				return nil, false
			}
		}
		return set, true
	case syntax.OpCapture:
		return finiteOne(re.Sub[0], limit)
	case syntax.OpQuest:
		set, ok := finiteOne(re.Sub[0], limit)
		return append(set, ""), ok
	case syntax.OpConcat:
		return finiteStrings(re.Sub, limit)
	case syntax.OpAlternate:
		var set []string
		for _, s := range re.Sub {
			sub, ok := finiteOne(s, limit)
			if !ok || len(set)+len(sub) > limit {
				return nil, false
			}
			set = append(set, sub...)
		}
		return set, true
	}
	return nil, false
}
