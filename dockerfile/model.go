package dockerfile

import (
	"strings"
)

// File is one parsed Dockerfile.
type File struct {
	// Path is the file's name as given (slash-separated), or "-" for stdin.
	Path string
	// Lines are the raw source lines, without their line ends.
	Lines []string
	// Escape is the escape character (the escape parser directive, default '\').
	Escape rune
	// Directives are the parser directives at the top of the file
	// (syntax, escape, check), keyed by lower-case name.
	Directives map[string]string
	// Instructions lists every instruction in file order.
	Instructions []*Instruction
	// Stages are the build stages in order; GlobalArgs are the ARG
	// instructions before the first FROM.
	Stages     []*Stage
	GlobalArgs []*Instruction
	// Pragmas are the ignore comments found in the file.
	Pragmas []Pragma

	// Indexes built while parsing, so that lookups stay cheap on hostile
	// files with very many stages or instructions.
	stageByName map[string]int        // alias -> index of its first stage
	vars        []map[string][]varDef // per stage: name -> ARG/ENV definitions in order
	globalVars  map[string]string     // global ARG defaults
	global      []string              // the same as NAME=value
	finalSet    map[int]bool          // stages in the final image (lazy)
}

// varDef is one ARG or ENV definition of a variable in a stage.
type varDef struct {
	line  int
	value string
	// fromGlobal: an ARG without a default, taking the global ARG's value.
	fromGlobal bool
}

// Stage is one build stage: a FROM and the instructions up to the next FROM.
type Stage struct {
	Index int
	// Name is the stage alias (FROM ... AS name), lower-cased; "" if none.
	Name string
	From *Instruction
	// Image is the base image as written; ImageExpanded has the global ARG
	// defaults substituted where they are known.
	Image         string
	ImageExpanded string
	// Platform is the --platform flag value, if any.
	Platform string
	// Instructions are the instructions of the stage after its FROM.
	Instructions []*Instruction
}

// BaseStage returns the earlier stage this stage builds on (FROM <alias>), or nil.
func (f *File) BaseStage(s *Stage) *Stage {
	return f.StageBefore(s.ImageExpanded, s.Index)
}

// StageBefore returns the stage named ref (case-insensitive) if it comes
// before stage index before, or nil.
func (f *File) StageBefore(ref string, before int) *Stage {
	if i, ok := f.stageByName[strings.ToLower(ref)]; ok && i < before {
		return f.Stages[i]
	}
	return nil
}

// InFinalImage reports whether the stage with index idx ends up in the
// final image: the final stage and the stages it is built FROM.
func (f *File) InFinalImage(idx int) bool {
	if f.finalSet == nil {
		f.finalSet = map[int]bool{}
		for s := f.FinalStage(); s != nil && !f.finalSet[s.Index]; s = f.BaseStage(s) {
			f.finalSet[s.Index] = true
		}
	}
	return f.finalSet[idx]
}

// StageByName returns the stage with the given alias (case-insensitive) or,
// when ref is a number, index.
func (f *File) StageByName(ref string) *Stage {
	return f.StageBefore(ref, len(f.Stages))
}

// FinalStage returns the last stage, or nil when there is none.
func (f *File) FinalStage() *Stage {
	if len(f.Stages) == 0 {
		return nil
	}
	return f.Stages[len(f.Stages)-1]
}

// Instruction is one Dockerfile instruction.
type Instruction struct {
	// Cmd is the instruction keyword in lower case ("run", "from", ...).
	Cmd string
	// Original is the instruction as written, continuations joined.
	Original string
	// Args are the arguments after the flags: for exec (JSON) form the
	// array elements; for ENV, LABEL and ARG see Pairs; for RUN, CMD,
	// ENTRYPOINT and SHELL in shell form a single element with the command
	// line; otherwise the whitespace-separated words.
	Args []string
	// JSON is true for the exec (JSON array) form.
	JSON bool
	// Flags are the --name[=value] flags before the arguments.
	Flags []Flag
	// Pairs are the key/value pairs of ENV, LABEL and ARG (ARG without a
	// default has Set false).
	Pairs []Pair
	// Heredocs are the here-documents attached to the instruction.
	Heredocs []Heredoc
	// StartLine and EndLine are 1-based and inclusive.
	StartLine, EndLine int
	// Stage is the index of the stage the instruction belongs to, -1 before
	// the first FROM.
	Stage int
	// Shell is the parsed shell of RUN, and of CMD and ENTRYPOINT in shell
	// form; nil otherwise.
	Shell *Script
	// Trigger is the instruction inside an ONBUILD.
	Trigger *Instruction
}

// Flag is one --name=value flag of an instruction.
type Flag struct {
	Name  string // without the leading dashes, lower-case
	Value string
	Set   bool // a value was given with =
}

// Pair is one key/value pair of ENV, LABEL or ARG. Value is unquoted.
type Pair struct {
	Key, Value string
	Set        bool
}

// Heredoc is one here-document of an instruction.
type Heredoc struct {
	Name    string
	Content string
	Expand  bool
}

// Flag returns the value of the named flag and whether it is present.
func (in *Instruction) Flag(name string) (string, bool) {
	for _, f := range in.Flags {
		if f.Name == name {
			return f.Value, true
		}
	}
	return "", false
}

// FlagValues returns every value of a repeatable flag (--mount).
func (in *Instruction) FlagValues(name string) []string {
	var vs []string
	for _, f := range in.Flags {
		if f.Name == name {
			vs = append(vs, f.Value)
		}
	}
	return vs
}

// Is reports whether the instruction is one of the keywords (lower-case).
func (in *Instruction) Is(cmds ...string) bool {
	for _, c := range cmds {
		if in.Cmd == c {
			return true
		}
	}
	return false
}

// Line returns the first line, for findings.
func (in *Instruction) Line() int { return in.StartLine }

// CommandLine returns the shell-form command line of RUN, CMD or
// ENTRYPOINT, or the exec-form elements joined with spaces.
func (in *Instruction) CommandLine() string { return strings.Join(in.Args, " ") }
