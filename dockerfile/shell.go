package dockerfile

import (
	"path"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// Script is the parsed shell of one RUN (or shell-form CMD/ENTRYPOINT).
type Script struct {
	// Src is the shell source that was parsed.
	Src string
	// Commands lists every simple command in source order, including those
	// inside pipelines, &&/|| chains, subshells, control structures, command
	// substitutions and the string of `sh -c`.
	Commands []*Command
	// Err is the shell syntax error, if the source did not parse; Commands
	// then holds what could be read before it.
	Err error

	pipes map[int][]*Command // pipeline -> its commands, built on first use
}

// Command is one simple command: a program and its arguments.
type Command struct {
	// Name is the program as written (may be a path: /usr/bin/apt-get).
	Name string
	// Args are the arguments after the program, unquoted where they are
	// literal; words with expansions keep their source text.
	Args []string
	// Assigns are the VAR=value prefixes.
	Assigns []string
	// Pipeline numbers the pipeline the command is part of (0 = none).
	Pipeline int
	// PipeIn is true when the command reads from a pipe (it is not the
	// first of its pipeline); PipeOut when it writes into one.
	PipeIn, PipeOut bool
	// Subst is true for commands inside $(...) or `...`.
	Subst bool
	// Nested is true for commands read from the string of `sh -c '...'`.
	Nested bool
	// Chain numbers the list of commands joined by &&, || and pipes that
	// the command is part of; commands separated by ; or newlines are in
	// different chains.
	Chain int

	prog string // cached base name of Name
	idx  int    // position in Script.Commands
}

// Prog returns the base name of the program: "apt-get" for /usr/bin/apt-get.
func (c *Command) Prog() string {
	if c.prog == "" {
		c.prog = path.Base(c.Name)
	}
	return c.prog
}

// Is reports whether the program's base name is one of names.
func (c *Command) Is(names ...string) bool {
	p := c.Prog()
	for _, n := range names {
		if p == n {
			return true
		}
	}
	return false
}

// Has reports whether the command is name and has any of args among its
// arguments (`Has("apt-get", "install")`). With no args it is Is(name).
func (c *Command) Has(name string, args ...string) bool {
	return c.Is(name) && (len(args) == 0 || c.HasArg(args...))
}

// HasArg reports whether any argument equals one of args.
func (c *Command) HasArg(args ...string) bool {
	for _, a := range c.Args {
		for _, w := range args {
			if a == w {
				return true
			}
		}
	}
	return false
}

// HasFlag reports whether the command has any of the flags, given without
// dashes: "y" matches -y and a cluster like -qy; "yes" matches --yes and
// --yes=...; a name with a leading dash is matched literally.
func (c *Command) HasFlag(names ...string) bool {
	for _, a := range c.Args {
		if a == "--" {
			return false
		}
		for _, n := range names {
			if strings.HasPrefix(n, "-") {
				if a == n || strings.HasPrefix(a, n+"=") {
					return true
				}
				continue
			}
			if matchFlag(a, n) {
				return true
			}
		}
	}
	return false
}

// FlagValue returns the value of a flag given as --name=v, --name v, -n v or -nv.
func (c *Command) FlagValue(names ...string) (string, bool) {
	for i, a := range c.Args {
		for _, n := range names {
			var long, short string
			if len(n) == 1 {
				short = "-" + n
			} else {
				long = "--" + n
			}
			switch {
			case long != "" && strings.HasPrefix(a, long+"="):
				return a[len(long)+1:], true
			case (long != "" && a == long) || (short != "" && a == short):
				if i+1 < len(c.Args) {
					return c.Args[i+1], true
				}
				return "", true
			case short != "" && strings.HasPrefix(a, short) && len(a) > 2 && !strings.HasPrefix(a, "--"):
				return a[2:], true
			}
		}
	}
	return "", false
}

func matchFlag(arg, name string) bool {
	if strings.HasPrefix(arg, "--") {
		a := arg[2:]
		if i := strings.IndexByte(a, '='); i >= 0 {
			a = a[:i]
		}
		return a == name
	}
	if len(name) == 1 && len(arg) > 1 && arg[0] == '-' {
		cluster := arg[1:]
		if i := strings.IndexByte(cluster, '='); i >= 0 {
			cluster = cluster[:i]
		}
		return strings.Contains(cluster, name)
	}
	return false
}

// Words returns the arguments that are not flags, skipping the value after
// any flag listed in withValue (given without dashes, as for HasFlag).
func (c *Command) Words(withValue ...string) []string {
	var out []string
	skip := false
	for _, a := range c.Args {
		if skip {
			skip = false
			continue
		}
		if strings.HasPrefix(a, "-") && a != "-" {
			if !strings.Contains(a, "=") {
				for _, n := range withValue {
					if (len(n) == 1 && a == "-"+n) || a == "--"+n {
						skip = true
					}
				}
			}
			continue
		}
		out = append(out, a)
	}
	return out
}

// Subcommand returns the first non-flag argument ("install" in
// `apt-get -y install x`).
func (c *Command) Subcommand() string {
	w := c.Words()
	if len(w) == 0 {
		return ""
	}
	return w[0]
}

// Find returns the commands whose program is name and that have any of args.
func (s *Script) Find(name string, args ...string) []*Command {
	if s == nil {
		return nil
	}
	var out []*Command
	for _, c := range s.Commands {
		if c.Has(name, args...) {
			out = append(out, c)
		}
	}
	return out
}

// ChainOf returns the commands of c's chain (joined by &&, || or pipes), in order.
func (s *Script) ChainOf(c *Command) []*Command {
	var out []*Command
	for _, o := range s.Commands {
		if o.Chain == c.Chain {
			out = append(out, o)
		}
	}
	return out
}

// Any reports whether any command satisfies f.
func (s *Script) Any(f func(*Command) bool) bool {
	if s == nil {
		return false
	}
	for _, c := range s.Commands {
		if f(c) {
			return true
		}
	}
	return false
}

// HasPipe reports whether the script has a pipeline (outside sh -c strings).
func (s *Script) HasPipe() bool {
	return s.Any(func(c *Command) bool { return c.PipeOut && !c.Nested })
}

// PipeTargets returns the commands that read the output of c through its pipeline.
func (s *Script) PipeTargets(c *Command) []*Command {
	if c.Pipeline == 0 {
		return nil
	}
	if s.pipes == nil {
		s.pipes = map[int][]*Command{}
		for _, o := range s.Commands {
			if o.Pipeline != 0 {
				s.pipes[o.Pipeline] = append(s.pipes[o.Pipeline], o)
			}
		}
	}
	var out []*Command
	for _, o := range s.pipes[c.Pipeline] {
		if o.idx > c.idx && o.PipeIn {
			out = append(out, o)
		}
	}
	return out
}

// maxShellDepth bounds recursion into `sh -c` strings.
const maxShellDepth = 3

// ParseShell parses src as a bash script. It never panics; a syntax error
// is kept in Script.Err with the commands read so far.
func ParseShell(src string) *Script {
	s := &Script{Src: src}
	b := &shellBuilder{s: s}
	b.parse(src, 0, false)
	return s
}

type shellBuilder struct {
	s        *Script
	pipeline int
	chain    int
}

func (b *shellBuilder) parse(src string, depth int, nested bool) {
	p := syntax.NewParser(syntax.Variant(syntax.LangBash))
	f, err := p.Parse(strings.NewReader(src), "")
	if err != nil && depth == 0 {
		b.s.Err = err
	}
	if f == nil {
		return
	}
	for _, st := range f.Stmts {
		b.chain++
		b.stmt(src, st, depth, shellCtx{nested: nested})
	}
}

type shellCtx struct {
	pipeline        int
	pipeIn, pipeOut bool
	subst, nested   bool
}

func (b *shellBuilder) stmts(src string, sts []*syntax.Stmt, depth int, ctx shellCtx) {
	for _, st := range sts {
		b.chain++
		b.stmt(src, st, depth, ctx)
	}
}

func (b *shellBuilder) stmt(src string, st *syntax.Stmt, depth int, ctx shellCtx) {
	if st == nil || st.Cmd == nil {
		return
	}
	switch c := st.Cmd.(type) {
	case *syntax.CallExpr:
		b.call(src, c, depth, ctx)
	case *syntax.BinaryCmd:
		if c.Op == syntax.Pipe || c.Op == syntax.PipeAll {
			if ctx.pipeline == 0 {
				b.pipeline++
				ctx.pipeline = b.pipeline
			}
			left, right := ctx, ctx
			left.pipeOut = true
			right.pipeIn = true
			b.stmt(src, c.X, depth, left)
			b.stmt(src, c.Y, depth, right)
			return
		}
		plain := shellCtx{subst: ctx.subst, nested: ctx.nested}
		b.stmt(src, c.X, depth, plain)
		b.stmt(src, c.Y, depth, plain)
	case *syntax.Subshell:
		b.stmts(src, c.Stmts, depth, ctx)
	case *syntax.Block:
		b.stmts(src, c.Stmts, depth, ctx)
	case *syntax.IfClause:
		for ic := c; ic != nil; ic = ic.Else {
			b.stmts(src, ic.Cond, depth, ctx)
			b.stmts(src, ic.Then, depth, ctx)
		}
	case *syntax.WhileClause:
		b.stmts(src, c.Cond, depth, ctx)
		b.stmts(src, c.Do, depth, ctx)
	case *syntax.ForClause:
		b.stmts(src, c.Do, depth, ctx)
	case *syntax.CaseClause:
		for _, it := range c.Items {
			b.stmts(src, it.Stmts, depth, ctx)
		}
	case *syntax.FuncDecl:
		b.stmt(src, c.Body, depth, ctx)
	case *syntax.TimeClause:
		b.stmt(src, c.Stmt, depth, ctx)
	case *syntax.CoprocClause:
		b.stmt(src, c.Stmt, depth, ctx)
	case *syntax.DeclClause:
		for _, a := range c.Args {
			if a.Value != nil {
				b.substs(src, a.Value, depth, ctx)
			}
		}
	}
}

func (b *shellBuilder) call(src string, c *syntax.CallExpr, depth int, ctx shellCtx) {
	cmd := &Command{Pipeline: ctx.pipeline, PipeIn: ctx.pipeIn, PipeOut: ctx.pipeOut, Subst: ctx.subst, Nested: ctx.nested, Chain: b.chain}
	for _, a := range c.Assigns {
		v := ""
		if a.Value != nil {
			v = wordText(src, a.Value)
			b.substs(src, a.Value, depth, ctx)
		}
		if a.Name != nil {
			cmd.Assigns = append(cmd.Assigns, a.Name.Value+"="+v)
		}
	}
	if len(c.Args) == 0 {
		return
	}
	for i, w := range c.Args {
		t := wordText(src, w)
		if i == 0 {
			cmd.Name = t
		} else {
			cmd.Args = append(cmd.Args, t)
		}
	}
	cmd.idx = len(b.s.Commands)
	b.s.Commands = append(b.s.Commands, cmd)
	for _, w := range c.Args {
		b.substs(src, w, depth, ctx)
	}
	// sh -c 'script': read the script too.
	if cmd.Is("sh", "bash", "dash", "ash", "zsh") && depth < maxShellDepth {
		for i, a := range cmd.Args {
			if (a == "-c" || (strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && strings.HasSuffix(a, "c"))) && i+1 < len(cmd.Args) {
				b.parse(cmd.Args[i+1], depth+1, true)
				break
			}
		}
	}
}

// substs reads the command substitutions inside a word.
func (b *shellBuilder) substs(src string, w *syntax.Word, depth int, ctx shellCtx) {
	syntax.Walk(w, func(n syntax.Node) bool {
		if cs, ok := n.(*syntax.CmdSubst); ok {
			inner := shellCtx{subst: true, nested: ctx.nested}
			b.stmts(src, cs.Stmts, depth, inner)
			return false
		}
		return true
	})
}

// wordText returns a word unquoted when it is made of literals and quotes,
// and its source text where it has expansions.
func wordText(src string, w *syntax.Word) string {
	var sb strings.Builder
	if !appendWord(&sb, src, w.Parts) {
		start, end := int(w.Pos().Offset()), int(w.End().Offset())
		if start >= 0 && end <= len(src) && start <= end {
			return src[start:end]
		}
	}
	return sb.String()
}

func appendWord(sb *strings.Builder, src string, parts []syntax.WordPart) bool {
	for _, p := range parts {
		switch p := p.(type) {
		case *syntax.Lit:
			sb.WriteString(unescapeLit(p.Value))
		case *syntax.SglQuoted:
			sb.WriteString(p.Value)
		case *syntax.DblQuoted:
			if !appendWord(sb, src, p.Parts) {
				return false
			}
		default:
			start, end := int(p.Pos().Offset()), int(p.End().Offset())
			if start < 0 || end > len(src) || start > end {
				return false
			}
			sb.WriteString(src[start:end])
		}
	}
	return true
}

// unescapeLit removes the backslash of escaped characters in a literal.
func unescapeLit(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			if s[i+1] == '\n' {
				i++
				continue
			}
			i++
		}
		sb.WriteByte(s[i])
	}
	return sb.String()
}
