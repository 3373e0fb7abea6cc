package dockerfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/sluice-dev/sluice/internal/safeio"
)

// MaxFileSize is the default size limit of one Dockerfile.
const MaxFileSize = safeio.MaxConfigFile

// maxLineLength is the longest physical line BuildKit's scanner accepts
// (bufio's default token size); docker build fails on longer lines too.
const maxLineLength = 64<<10 - 1

// ParseError is a Dockerfile that could not be parsed: the file, the 1-based
// line (0 when unknown) and the reason.
type ParseError struct {
	Path string
	Line int
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

// knownInstructions are the Dockerfile instructions (Dockerfile reference).
var knownInstructions = map[string]bool{
	"add": true, "arg": true, "cmd": true, "copy": true, "entrypoint": true, "env": true, "expose": true,
	"from": true, "healthcheck": true, "label": true, "maintainer": true, "onbuild": true, "run": true,
	"shell": true, "stopsignal": true, "user": true, "volume": true, "workdir": true,
}

// Parse reads a Dockerfile of at most max bytes (MaxFileSize when max <= 0)
// from r. A file that does not parse gives a *ParseError; a read failure or
// a file over the limit gives a wrapped error naming the file.
func Parse(name string, r io.Reader, max int64) (*File, error) {
	if max <= 0 {
		max = MaxFileSize
	}
	data, err := safeio.ReadAll(r, max, "Dockerfile size")
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return ParseBytes(name, data)
}

// ParseBytes parses a Dockerfile held in memory. A panic in an underlying
// parser on hostile input is turned into a *ParseError, never a crash.
func ParseBytes(name string, data []byte) (f *File, err error) {
	defer func() {
		if v := recover(); v != nil {
			f, err = nil, &ParseError{Path: name, Msg: fmt.Sprintf("parser failure: %v", v)}
		}
	}()
	f = &File{Path: name, Escape: '\\', Directives: map[string]string{}, stageByName: map[string]int{}, globalVars: map[string]string{}}
	text := string(data)
	text = strings.TrimPrefix(text, "\uFEFF")
	f.Lines = strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	if n := len(f.Lines); n > 0 && f.Lines[n-1] == "" {
		f.Lines = f.Lines[:n-1]
	}
	for i, l := range f.Lines {
		if len(l) > maxLineLength {
			return nil, &ParseError{Path: name, Line: i + 1, Msg: fmt.Sprintf("line longer than %d bytes (BuildKit's limit)", maxLineLength)}
		}
	}
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return nil, &ParseError{Path: name, Line: firstBadLine(data), Msg: "not a text file (invalid UTF-8 or NUL bytes)"}
	}
	f.readDirectives()
	res, perr := parser.Parse(bytes.NewReader(data))
	if err = perr; err != nil {
		return nil, &ParseError{Path: name, Line: errorLine(err), Msg: errorMessage(err)}
	}
	if res.EscapeToken != 0 {
		f.Escape = res.EscapeToken
	}
	b := builder{f: f, lex: shell.NewLex(f.Escape)}
	b.lex.SkipUnsetEnv = true
	for _, n := range res.AST.Children {
		in, err := b.instruction(n, 0)
		if err != nil {
			return nil, err
		}
		b.add(in)
	}
	f.Pragmas = readPragmas(f)
	return f, nil
}

func firstBadLine(data []byte) int {
	line := 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 || r == 0 {
			return line
		}
		if r == '\n' {
			line++
		}
		i += size
	}
	return 0
}

func errorLine(err error) int {
	var le *parser.LocationError
	if errors.As(err, &le) {
		for _, rs := range le.Locations {
			for _, r := range rs {
				if r.Start.Line > 0 {
					return r.Start.Line
				}
			}
		}
	}
	return 0
}

func errorMessage(err error) string {
	var le *parser.LocationError
	if errors.As(err, &le) && le.Unwrap() != nil {
		return le.Unwrap().Error()
	}
	return err.Error()
}

var directiveRe = regexp.MustCompile(`^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`)

// readDirectives reads the parser directives: comment lines of the form
// "# key=value" at the very top of the file, before any other line.
func (f *File) readDirectives() {
	for _, l := range f.Lines {
		m := directiveRe.FindStringSubmatch(strings.TrimSpace(l))
		if m == nil {
			return
		}
		k := strings.ToLower(m[1])
		if _, dup := f.Directives[k]; dup {
			return
		}
		f.Directives[k] = m[2]
	}
}

type builder struct {
	f      *File
	lex    *shell.Lex
	shell  []string   // SHELL of the current stage
	shells [][]string // final SHELL of each stage, for stages built on them
}

func (b *builder) add(in *Instruction) {
	f := b.f
	f.Instructions = append(f.Instructions, in)
	if in.Cmd == "from" {
		s := &Stage{Index: len(f.Stages), From: in}
		if len(in.Args) > 0 {
			s.Image = in.Args[0]
			s.ImageExpanded = b.expand(s.Image, f.globalEnv())
		}
		if len(in.Args) >= 3 && strings.EqualFold(in.Args[1], "as") {
			s.Name = strings.ToLower(in.Args[2])
		}
		f.vars = append(f.vars, map[string][]varDef{})
		s.Platform, _ = in.Flag("platform")
		in.Stage = s.Index
		f.Stages = append(f.Stages, s)
		// The shell is inherited from a parent stage; Windows images run
		// RUN with cmd unless SHELL says otherwise.
		b.shell = nil
		if p := f.BaseStage(s); p != nil {
			b.shell = b.shells[p.Index]
		} else if isWindowsImage(s.ImageExpanded) {
			b.shell = []string{"cmd", "/S", "/C"}
		}
		b.shells = append(b.shells, b.shell)
		if _, dup := f.stageByName[s.Name]; s.Name != "" && !dup {
			f.stageByName[s.Name] = s.Index
		}
		return
	}
	if len(f.Stages) == 0 {
		in.Stage = -1
		if in.Cmd == "arg" {
			f.GlobalArgs = append(f.GlobalArgs, in)
			for _, p := range in.Pairs {
				if p.Set {
					f.globalVars[p.Key] = p.Value
					f.global = append(f.global, p.Key+"="+p.Value)
				}
			}
		}
		return
	}
	s := f.Stages[len(f.Stages)-1]
	in.Stage = s.Index
	s.Instructions = append(s.Instructions, in)
	if in.Cmd == "env" || in.Cmd == "arg" {
		vars := f.vars[s.Index]
		for _, p := range in.Pairs {
			if in.Cmd == "arg" && !p.Set {
				vars[p.Key] = append(vars[p.Key], varDef{line: in.StartLine, fromGlobal: true})
				continue
			}
			vars[p.Key] = append(vars[p.Key], varDef{line: in.StartLine, value: p.Value})
		}
	}
	if in.Cmd == "shell" && in.JSON {
		b.shell = in.Args
		b.shells[s.Index] = in.Args
	}
	b.parseShell(in)
	if in.Trigger != nil {
		in.Trigger.Stage = in.Stage
		b.parseShell(in.Trigger)
	}
}

// posixShell reports whether the stage's SHELL (default /bin/sh -c) is POSIX-like.
func (b *builder) posixShell() bool {
	if len(b.shell) == 0 {
		return true
	}
	switch strings.ToLower(path.Base(strings.ReplaceAll(b.shell[0], `\`, "/"))) {
	case "sh", "bash", "ash", "dash", "zsh", "ksh", "busybox":
		return true
	}
	return false
}

var bareHeredoc = regexp.MustCompile(`^<<-?\s*["']?([A-Za-z0-9_.-]+)["']?\s*$`)

func (b *builder) parseShell(in *Instruction) {
	if !b.posixShell() {
		return
	}
	switch in.Cmd {
	case "run":
	case "cmd", "entrypoint":
		if in.JSON {
			return
		}
	default:
		return
	}
	if in.JSON {
		if len(in.Args) == 0 {
			return
		}
		// RUN ["sh", "-c", "script"] is a shell script; any other exec
		// form is one command.
		if len(in.Args) >= 3 && isShellName(in.Args[0]) && in.Args[1] == "-c" {
			in.Shell = ParseShell(in.Args[2])
			return
		}
		in.Shell = &Script{Src: strings.Join(in.Args, " "), Commands: []*Command{{Name: in.Args[0], Args: in.Args[1:]}}}
		return
	}
	src := strings.Join(in.Args, " ")
	if len(in.Heredocs) > 0 {
		if bareHeredoc.MatchString(strings.TrimSpace(src)) {
			body := in.Heredocs[0].Content
			if sb, ok := strings.CutPrefix(body, "#!"); ok {
				first, _, _ := strings.Cut(sb, "\n")
				if fs := strings.Fields(first); len(fs) == 0 || !isShellName(fs[len(fs)-1]) && !isShellName(fs[0]) {
					return // a script in another language
				}
			}
			in.Shell = ParseShell(body)
			return
		}
		var sb strings.Builder
		sb.WriteString(src)
		sb.WriteByte('\n')
		for _, h := range in.Heredocs {
			sb.WriteString(h.Content)
			if !strings.HasSuffix(h.Content, "\n") && h.Content != "" {
				sb.WriteByte('\n')
			}
			sb.WriteString(h.Name)
			sb.WriteByte('\n')
		}
		src = sb.String()
	}
	in.Shell = ParseShell(src)
}

// isWindowsImage reports whether an image reference names a Windows base.
func isWindowsImage(img string) bool {
	l := strings.ToLower(img)
	return strings.Contains(l, "windows") || strings.Contains(l, "nanoserver") || strings.Contains(l, "servercore")
}

func isShellName(s string) bool {
	switch path.Base(s) {
	case "sh", "bash", "ash", "dash", "zsh":
		return true
	}
	return false
}

func (b *builder) instruction(n *parser.Node, depth int) (*Instruction, error) {
	cmd := strings.ToLower(n.Value)
	if !knownInstructions[cmd] {
		return nil, &ParseError{Path: b.f.Path, Line: n.StartLine, Msg: fmt.Sprintf("unknown instruction %q", n.Value)}
	}
	in := &Instruction{
		Cmd:       cmd,
		Original:  n.Original,
		JSON:      n.Attributes["json"],
		StartLine: n.StartLine,
		EndLine:   n.EndLine,
	}
	for _, fl := range n.Flags {
		name, val, set := strings.Cut(strings.TrimLeft(fl, "-"), "=")
		in.Flags = append(in.Flags, Flag{Name: strings.ToLower(name), Value: val, Set: set})
	}
	for _, h := range n.Heredocs {
		in.Heredocs = append(in.Heredocs, Heredoc{Name: h.Name, Content: h.Content, Expand: h.Expand})
	}
	switch cmd {
	case "onbuild":
		if n.Next != nil && len(n.Next.Children) > 0 && depth < 2 {
			c := n.Next.Children[0]
			c.StartLine, c.EndLine = n.StartLine, n.EndLine
			t, err := b.instruction(c, depth+1)
			if err != nil {
				return nil, err
			}
			in.Trigger = t
			in.Args = []string{t.Original}
		}
		return in, nil
	case "env", "label":
		for k := n.Next; k != nil && k.Next != nil; {
			v := k.Next
			in.Pairs = append(in.Pairs, Pair{Key: b.unquote(k.Value), Value: b.unquote(v.Value), Set: true})
			in.Args = append(in.Args, k.Value+"="+v.Value)
			if v.Next == nil {
				break
			}
			k = v.Next.Next
		}
		return in, nil
	case "arg":
		for k := n.Next; k != nil; k = k.Next {
			w := b.unquote(k.Value)
			key, val, set := strings.Cut(w, "=")
			in.Pairs = append(in.Pairs, Pair{Key: key, Value: val, Set: set})
			in.Args = append(in.Args, k.Value)
		}
		return in, nil
	}
	for a := n.Next; a != nil; a = a.Next {
		in.Args = append(in.Args, a.Value)
	}
	return in, nil
}

// unquote removes shell quoting from a word, keeping variable references.
func (b *builder) unquote(s string) string {
	if !strings.ContainsAny(s, `"'\`) {
		return s
	}
	out, _, err := b.lex.ProcessWord(s, shell.EnvsFromSlice(nil))
	if err != nil {
		return s
	}
	return out
}

func (b *builder) expand(s string, env []string) string {
	if !strings.ContainsAny(s, `$"'\`) {
		return s
	}
	out, _, err := b.lex.ProcessWord(s, shell.EnvsFromSlice(env))
	if err != nil {
		return s
	}
	return out
}

// globalEnv returns the defaults of the ARGs declared before the first FROM.
func (f *File) globalEnv() []string { return f.global }

// Expand substitutes the variables known at instruction in: the defaults of
// ARGs in scope (global ARGs redeclared in the stage, stage ARGs) and ENV
// values set earlier in the stage. Unknown variables are left as written.
func (f *File) Expand(in *Instruction, word string) string {
	if !strings.Contains(word, "$") {
		return word
	}
	var env []string
	if in.Stage >= 0 && in.Stage < len(f.vars) {
		vars := f.vars[in.Stage]
		for _, name := range varNames(word) {
			defs := vars[name]
			// the last definition before the instruction
			i := sort.Search(len(defs), func(i int) bool { return defs[i].line >= in.StartLine })
			if i == 0 {
				continue
			}
			d := defs[i-1]
			if d.fromGlobal {
				if v, ok := f.globalVars[name]; ok {
					env = append(env, name+"="+v)
				}
				continue
			}
			env = append(env, name+"="+d.value)
		}
	} else {
		env = f.global
	}
	lex := shell.NewLex(f.Escape)
	lex.SkipUnsetEnv = true
	out, _, err := lex.ProcessWord(word, shell.EnvsFromSlice(env))
	if err != nil {
		return word
	}
	return out
}

// varNames returns the names of the variables a word refers to ($X, ${X...}).
func varNames(word string) []string {
	var out []string
	for i := 0; i < len(word); i++ {
		if word[i] != '$' {
			continue
		}
		j := i + 1
		if j < len(word) && word[j] == '{' {
			j++
		}
		k := j
		for k < len(word) && (word[k] == '_' || word[k] >= 'a' && word[k] <= 'z' || word[k] >= 'A' && word[k] <= 'Z' || k > j && word[k] >= '0' && word[k] <= '9') {
			k++
		}
		if k > j {
			out = append(out, word[j:k])
		}
		i = k - 1
	}
	return out
}
