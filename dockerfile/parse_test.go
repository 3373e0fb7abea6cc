package dockerfile_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/internal/safeio"
)

func parseFile(t *testing.T, name string) *dockerfile.File {
	t.Helper()
	fh, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	f, err := dockerfile.Parse(name, fh, 0)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestParseMultistage(t *testing.T) {
	f := parseFile(t, "multistage.Dockerfile")
	type inst struct {
		Cmd        string
		Start, End int
		Stage      int
	}
	var got []inst
	for _, in := range f.Instructions {
		got = append(got, inst{in.Cmd, in.StartLine, in.EndLine, in.Stage})
	}
	want := []inst{
		{"arg", 3, 3, -1}, {"arg", 4, 4, -1},
		{"from", 5, 5, 0}, {"arg", 6, 6, 0}, {"env", 7, 7, 0}, {"workdir", 8, 8, 0},
		{"run", 9, 11, 0}, {"run", 12, 16, 0},
		{"from", 18, 18, 1}, {"run", 20, 20, 1}, {"copy", 21, 21, 1}, {"onbuild", 22, 22, 1}, {"cmd", 23, 23, 1},
		{"from", 25, 25, 2}, {"run", 26, 26, 2},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("instructions (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"syntax": "docker/dockerfile:1.7", "escape": `\`}, f.Directives); diff != "" {
		t.Errorf("directives (-want +got):\n%s", diff)
	}
	stages := []struct{ Name, Image, Expanded string }{}
	for _, s := range f.Stages {
		stages = append(stages, struct{ Name, Image, Expanded string }{s.Name, s.Image, s.ImageExpanded})
	}
	wantStages := []struct{ Name, Image, Expanded string }{
		{"build", "golang:${GO_VERSION}", "golang:1.22"},
		{"runtime", "${BASE}", "debian:12"},
		{"win", "mcr.microsoft.com/windows/nanoserver:ltsc2022", "mcr.microsoft.com/windows/nanoserver:ltsc2022"},
	}
	if diff := cmp.Diff(wantStages, stages); diff != "" {
		t.Errorf("stages (-want +got):\n%s", diff)
	}
	env := f.Instructions[4]
	if diff := cmp.Diff([]dockerfile.Pair{{Key: "CGO_ENABLED", Value: "0", Set: true}, {Key: "OUT", Value: "/out dir", Set: true}}, env.Pairs); diff != "" {
		t.Errorf("ENV pairs (-want +got):\n%s", diff)
	}
	run := f.Instructions[6]
	if v, _ := run.Flag("mount"); v != "type=cache,target=/root/.cache/go-build" {
		t.Errorf("mount flag = %q", v)
	}
	var progs []string
	for _, c := range run.Shell.Commands {
		progs = append(progs, c.Prog())
	}
	if diff := cmp.Diff([]string{"go", "echo", "tee"}, progs); diff != "" {
		t.Errorf("RUN commands (-want +got):\n%s", diff)
	}
	if !run.Shell.HasPipe() || !run.Shell.Commands[2].PipeIn {
		t.Error("pipe into tee not seen")
	}
	// The heredoc RUN is parsed as the script it runs.
	hd := f.Instructions[7]
	if got := len(hd.Shell.Find("cd")); got != 1 {
		t.Errorf("heredoc script: cd found %d times", got)
	}
	// ARG scoping: the stage redeclares GO_VERSION, so it expands.
	if got := f.Expand(run, "v${GO_VERSION}"); got != "v1.22" {
		t.Errorf("Expand = %q", got)
	}
	if got := f.Expand(f.Instructions[9], "$GO_VERSION"); got != "$GO_VERSION" {
		t.Errorf("GO_VERSION is not redeclared in stage 2, got %q", got)
	}
	if win := f.Instructions[14]; win.Shell != nil {
		t.Errorf("RUN in a Windows stage (cmd) was parsed as POSIX shell: %+v", win.Shell)
	}
	if tr := f.Instructions[11].Trigger; tr == nil || tr.Cmd != "run" || tr.Shell == nil {
		t.Errorf("ONBUILD trigger not parsed: %+v", tr)
	}
	if len(f.Pragmas) != 1 || f.Pragmas[0].Target != 20 || f.Pragmas[0].Rules[0] != "DL3008" {
		t.Errorf("pragmas = %+v", f.Pragmas)
	}
}

func TestParseEscapeDirective(t *testing.T) {
	src := "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir `\n    C:\\\nCOPY a C:\\app\\\n"
	f, err := dockerfile.ParseBytes("Dockerfile", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if f.Escape != '`' {
		t.Errorf("escape = %q", f.Escape)
	}
	if in := f.Instructions[1]; in.StartLine != 3 || in.EndLine != 4 {
		t.Errorf("continued RUN lines = %d-%d, want 3-4", in.StartLine, in.EndLine)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		line      int
		msg       string
	}{
		{"empty", "", 0, "file with no instructions"},
		{"unknown-instruction", "FROM debian:12\nFORM x\n", 2, `unknown instruction "FORM"`},
		{"unterminated-heredoc", "FROM debian:12\nRUN <<EOF\necho\n", 2, "unterminated heredoc"},
		{"binary", "FROM debian:12\n\x00\x01\x02", 2, "not a text file"},
		{"env-without-value", "FROM debian:12\nENV A\n", 2, "ENV must have two arguments"},
		{"line-too-long", "FROM debian:12\nRUN echo " + strings.Repeat("a", 70000) + "\n", 2, "line longer than 65535 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := dockerfile.ParseBytes("Dockerfile", []byte(tt.src))
			var pe *dockerfile.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a ParseError", err)
			}
			if pe.Line != tt.line && !(tt.line == 0 && pe.Line <= 1) || !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("got line %d %q, want line %d containing %q", pe.Line, pe.Msg, tt.line, tt.msg)
			}
		})
	}
}

func TestParseSizeLimit(t *testing.T) {
	_, err := dockerfile.Parse("big", strings.NewReader("FROM debian:12\n"+strings.Repeat("# x\n", 100)), 64)
	if !errors.Is(err, safeio.ErrLimit) || !strings.Contains(err.Error(), "big") {
		t.Errorf("err = %v, want a limit error naming the file", err)
	}
}

func TestShellCommands(t *testing.T) {
	tests := []struct {
		name, src string
		check     func(*dockerfile.Script) bool
	}{
		{"has-with-flags", "apt-get -y install --no-install-recommends curl", func(s *dockerfile.Script) bool {
			c := s.Commands[0]
			return c.Has("apt-get", "install") && c.HasFlag("y") && c.HasFlag("no-install-recommends") && !c.HasFlag("q") && c.Subcommand() == "install"
		}},
		{"flag-cluster", "tar -xzf a.tgz", func(s *dockerfile.Script) bool {
			return s.Commands[0].HasFlag("x") && s.Commands[0].HasFlag("z")
		}},
		{"path-program", "/usr/bin/apt-get update", func(s *dockerfile.Script) bool { return s.Commands[0].Is("apt-get") }},
		{"pipe-targets", "curl -fsSL https://x | sudo -E bash - && echo ok", func(s *dockerfile.Script) bool {
			ts := s.PipeTargets(s.Commands[0])
			return len(ts) == 1 && ts[0].Is("sudo") && !s.Commands[2].PipeIn
		}},
		{"sh-c-string", `sh -c 'cd /tmp && make'`, func(s *dockerfile.Script) bool {
			return len(s.Find("cd")) == 1 && s.Find("cd")[0].Nested
		}},
		{"command-substitution", `VERSION="$(curl -fsS https://x/v)" make`, func(s *dockerfile.Script) bool {
			return len(s.Find("curl")) == 1 && s.Find("curl")[0].Subst && s.Find("make")[0].Assigns[0] == `VERSION=$(curl -fsS https://x/v)`
		}},
		{"quotes-removed", `echo "a b" 'c' d\ e`, func(s *dockerfile.Script) bool {
			return cmp.Equal(s.Commands[0].Args, []string{"a b", "c", "d e"})
		}},
		{"flag-value", "useradd -u 1000 -m app", func(s *dockerfile.Script) bool {
			v, ok := s.Commands[0].FlagValue("u", "uid")
			return ok && v == "1000" && cmp.Equal(s.Commands[0].Words("u"), []string{"app"})
		}},
		{"control-flow", "if [ -f x ]; then rm x; fi; for i in 1 2; do echo $i; done", func(s *dockerfile.Script) bool {
			return len(s.Find("rm")) == 1 && len(s.Find("echo")) == 1
		}},
		{"chains", "apt-get update && apt-get install -y x || true; echo done\nmake | tee log", func(s *dockerfile.Script) bool {
			ch := s.ChainOf(s.Commands[0])
			return len(ch) == 3 && ch[2].Is("true") && len(s.ChainOf(s.Commands[3])) == 1 && len(s.ChainOf(s.Commands[4])) == 2
		}},
		{"syntax-error", "echo 'unterminated", func(s *dockerfile.Script) bool { return s.Err != nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := dockerfile.ParseShell(tt.src)
			if !tt.check(s) {
				var cs []dockerfile.Command
				for _, c := range s.Commands {
					cs = append(cs, *c)
				}
				t.Errorf("check failed; commands: %+v err: %v", cs, s.Err)
			}
		})
	}
}
