package dockerfile

import (
	"regexp"
	"strings"
)

// PragmaKind says which comment syntax a pragma used.
type PragmaKind string

// Pragma kinds.
const (
	// PragmaHadolint is `# hadolint ignore=DL3008,DL3015`: the next instruction.
	PragmaHadolint PragmaKind = "hadolint"
	// PragmaHadolintGlobal is `# hadolint global ignore=DL3008`: the whole file.
	PragmaHadolintGlobal PragmaKind = "hadolint-global"
	// PragmaSluice is `# sluice:ignore SL1001[,DL3008] reason`: the next instruction.
	PragmaSluice PragmaKind = "sluice"
)

// Pragma is one ignore comment.
type Pragma struct {
	Kind PragmaKind
	// Line is the line of the comment.
	Line int
	// Rules are the rule IDs it names, upper-cased.
	Rules []string
	// Reason is the free text after the rules (sluice pragmas).
	Reason string
	// Target is the first line of the instruction the pragma applies to;
	// 0 for global pragmas (and for a pragma with no instruction after it).
	Target int
}

// Covers reports whether the pragma silences rule id at line.
func (p *Pragma) Covers(id string, line int) bool {
	if p.Kind != PragmaHadolintGlobal && (p.Target == 0 || p.Target != line) {
		return false
	}
	for _, r := range p.Rules {
		if strings.EqualFold(r, id) {
			return true
		}
	}
	return false
}

var (
	hadolintPragma = regexp.MustCompile(`^hadolint\s+(global\s+)?ignore\s*=\s*([A-Za-z0-9_, \t-]+)`)
	sluicePragma   = regexp.MustCompile(`^sluice:ignore\s+([A-Za-z0-9_,:-]+(?:\s*,\s*[A-Za-z0-9_:-]+)*)\s*(.*)$`)
)

// readPragmas finds the ignore comments: comment lines outside every
// instruction (a heredoc body is not a comment), each pointing at the next
// instruction.
func readPragmas(f *File) []Pragma {
	var out []Pragma
	next := 0 // index of the first instruction starting after the current line
	for i, raw := range f.Lines {
		line := i + 1
		for next < len(f.Instructions) && f.Instructions[next].StartLine <= line {
			next++
		}
		if next > 0 && f.Instructions[next-1].EndLine >= line {
			continue // inside an instruction
		}
		t := strings.TrimSpace(raw)
		if !strings.HasPrefix(t, "#") {
			continue
		}
		body := strings.TrimSpace(t[1:])
		target := 0
		if next < len(f.Instructions) {
			target = f.Instructions[next].StartLine
		}
		if m := hadolintPragma.FindStringSubmatch(body); m != nil {
			p := Pragma{Kind: PragmaHadolint, Line: line, Rules: splitRules(m[2]), Target: target}
			if m[1] != "" {
				p.Kind, p.Target = PragmaHadolintGlobal, 0
			}
			out = append(out, p)
			continue
		}
		if m := sluicePragma.FindStringSubmatch(body); m != nil {
			out = append(out, Pragma{Kind: PragmaSluice, Line: line, Rules: splitRules(m[1]), Reason: strings.TrimSpace(m[2]), Target: target})
		}
	}
	return out
}

func splitRules(s string) []string {
	var out []string
	for _, r := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		out = append(out, strings.ToUpper(r))
	}
	return out
}
