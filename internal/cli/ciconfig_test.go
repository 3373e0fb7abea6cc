package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"go.yaml.in/yaml/v3"

	"github.com/sluice-dev/sluice/config"
	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/internal/testutil"
	"github.com/sluice-dev/sluice/report"
)

// The CI integration files at the repository root and in ci/ are tested the
// way a pipeline uses them: every sluice command they run must parse against
// this build's commands and flags, the reports they hand to the CI system
// must be the files sluice writes, and the command runs here, on the demo.

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../..", path))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// sluiceCommands finds the sluice invocations in shell lines.
func sluiceCommands(lines ...string) [][]string {
	var out [][]string
	for _, text := range lines {
		for _, line := range strings.Split(text, "\n") {
			line = strings.TrimSpace(line)
			if strings.HasPrefix(line, "sluice ") {
				out = append(out, shellWords(line))
			}
		}
	}
	return out
}

var (
	shellWord     = regexp.MustCompile(`"[^"]*"|\S+`)
	onlyExpansion = regexp.MustCompile(`^\$\{?[A-Za-z_][A-Za-z_0-9]*(\[@\])?\}?$`)
)

// shellWords splits a command line as the shell would for our files: quotes
// removed; words that are only a variable expansion ("${image[@]}",
// $SLUICE_ARGS) dropped, since they expand to optional extra arguments;
// "$SLUICE_CONFIG" kept as a placeholder value.
func shellWords(line string) []string {
	var words []string
	for _, w := range shellWord.FindAllString(line, -1) {
		w = strings.Trim(w, `"`)
		if onlyExpansion.MatchString(w) && w != "$SLUICE_CONFIG" {
			continue
		}
		words = append(words, w)
	}
	return words
}

// checkParses resolves a sluice command line against the command tree.
func checkParses(t *testing.T, file string, words []string) {
	t.Helper()
	root := newRootCmd(&app{stdio: Stdio{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &bytes.Buffer{}}})
	cmd, rest, err := root.Find(words[1:])
	if err != nil || cmd == root {
		t.Errorf("%s: %q: no such command (%v)", file, strings.Join(words, " "), err)
		return
	}
	if err := cmd.ParseFlags(rest); err != nil {
		t.Errorf("%s: %q: %v", file, strings.Join(words, " "), err)
	}
}

// reportFlags returns the files of --report FORMAT=FILE by format.
func reportFlags(words []string) map[string]string {
	out := map[string]string{}
	for i, w := range words {
		if w == "--report" && i+1 < len(words) {
			f, p, _ := strings.Cut(words[i+1], "=")
			out[f] = p
		}
	}
	return out
}

func TestGitHubAction(t *testing.T) {
	var action struct {
		Runs struct {
			Using string `yaml:"using"`
			Steps []struct {
				Run  string            `yaml:"run"`
				Uses string            `yaml:"uses"`
				With map[string]string `yaml:"with"`
			} `yaml:"steps"`
		} `yaml:"runs"`
	}
	readYAML(t, "action.yml", &action)
	if action.Runs.Using != "composite" {
		t.Fatalf("runs.using = %q, want composite", action.Runs.Using)
	}
	var cmds [][]string
	var sarifUpload string
	for _, s := range action.Runs.Steps {
		cmds = append(cmds, sluiceCommands(s.Run)...)
		if strings.HasPrefix(s.Uses, "github/codeql-action/upload-sarif@") {
			sarifUpload = s.With["sarif_file"]
		}
	}
	if len(cmds) != 1 {
		t.Fatalf("want one sluice command, found %d", len(cmds))
	}
	checkParses(t, "action.yml", cmds[0])
	if got := reportFlags(cmds[0])["sarif"]; got == "" || got != sarifUpload {
		t.Errorf("SARIF written to %q, uploaded from %q", got, sarifUpload)
	}
}

func TestGitLabTemplate(t *testing.T) {
	var tpl map[string]struct {
		Script    []string `yaml:"script"`
		Artifacts struct {
			When    string            `yaml:"when"`
			Reports map[string]string `yaml:"reports"`
		} `yaml:"artifacts"`
	}
	readYAML(t, "ci/gitlab/sluice.gitlab-ci.yml", &tpl)
	job, ok := tpl["sluice"]
	if !ok {
		t.Fatal("no sluice job")
	}
	cmds := sluiceCommands(job.Script...)
	if len(cmds) != 1 {
		t.Fatalf("want one sluice command, found %d", len(cmds))
	}
	checkParses(t, "sluice.gitlab-ci.yml", cmds[0])
	written := reportFlags(cmds[0])
	// GitLab's artifacts:reports keys and the sluice formats that fill them.
	want := map[string]string{
		"container_scanning": "gitlab-container-scanning", "dependency_scanning": "gitlab-dependency-scanning",
		"secret_detection": "gitlab-secret-detection", "sast": "gitlab-sast", "junit": "junit",
	}
	for key, format := range want {
		if job.Artifacts.Reports[key] == "" || job.Artifacts.Reports[key] != written[format] {
			t.Errorf("artifacts:reports:%s is %q, sluice writes %s to %q", key, job.Artifacts.Reports[key], format, written[format])
		}
	}
	if job.Artifacts.When != "always" {
		t.Error("reports must be kept when the job fails (artifacts:when: always)")
	}
	runLocally(t, cmds[0])
}

func TestCodeBuildSpec(t *testing.T) {
	var spec struct {
		Version any `yaml:"version"`
		Phases  map[string]struct {
			Commands []string `yaml:"commands"`
		} `yaml:"phases"`
		Reports map[string]struct {
			Files         []string `yaml:"files"`
			BaseDirectory string   `yaml:"base-directory"`
			FileFormat    string   `yaml:"file-format"`
		} `yaml:"reports"`
	}
	readYAML(t, "buildspec.yml", &spec)
	if spec.Version != 0.2 {
		t.Errorf("version %v, want 0.2", spec.Version)
	}
	cmds := sluiceCommands(spec.Phases["build"].Commands...)
	if len(cmds) != 1 {
		t.Fatalf("want one sluice command in the build phase, found %d", len(cmds))
	}
	checkParses(t, "buildspec.yml", cmds[0])
	rep := spec.Reports["sluice"]
	junit := reportFlags(cmds[0])["junit"]
	if rep.FileFormat != "JUNITXML" || len(rep.Files) != 1 || filepath.Join(rep.BaseDirectory, rep.Files[0]) != junit {
		t.Errorf("report group %+v does not publish the JUnit file sluice writes (%s)", rep, junit)
	}
}

func TestPreCommitHooks(t *testing.T) {
	var hooks []struct {
		ID, Entry, Language string
		Files               string `yaml:"files"`
	}
	readYAML(t, ".pre-commit-hooks.yaml", &hooks)
	var ids []string
	for _, h := range hooks {
		ids = append(ids, h.ID)
		checkParses(t, ".pre-commit-hooks.yaml", shellWords(h.Entry))
		if h.Files != "" {
			if _, err := regexp.Compile(h.Files); err != nil {
				t.Errorf("hook %s: files: %v", h.ID, err)
			}
		}
	}
	for _, want := range []string{"sluice-lint", "sluice-secrets"} {
		if !slices.Contains(ids, want) {
			t.Errorf("no %s hook", want)
		}
	}
	// The lint hook's pattern picks the files sluice lint finds itself.
	for _, h := range hooks {
		if h.ID != "sluice-lint" {
			continue
		}
		re := regexp.MustCompile(h.Files)
		for _, name := range []string{"Dockerfile", "build/Dockerfile.prod", "api.Dockerfile", "Containerfile"} {
			if !re.MatchString(name) {
				t.Errorf("sluice-lint files: does not match %s", name)
			}
		}
		if re.MatchString("docs/Dockerfile.md.txt/x") || re.MatchString("main.go") {
			t.Errorf("sluice-lint files: matches too much")
		}
	}
}

// runLocally runs a CI command on a copy of the demo project: the policy
// fails on the planted problems (exit 1) and every report is written.
func runLocally(t *testing.T, words []string) {
	t.Helper()
	root := t.TempDir()
	for _, d := range []string{"ci", "lint", "secrets", "manifests"} {
		if err := os.CopyFS(filepath.Join(root, d), os.DirFS(filepath.Join("../../demo", d))); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(filepath.Join(root, "ci"))
	args := slices.Clone(words[1:])
	for i, a := range args {
		if a == "$SLUICE_CONFIG" {
			args[i] = ".sluice.yaml"
		}
	}
	code, _, stderr := runCLI(t, append(args, "--no-cache", "-q")...)
	if code != 1 {
		t.Fatalf("exit %d, want 1 on the demo project\n%s", code, stderr)
	}
	for _, file := range reportFlags(words) {
		if st, err := os.Stat(file); err != nil || st.Size() == 0 {
			t.Errorf("report %s not written: %v", file, err)
		}
	}
}

// TestOwnDockerfileLintsClean: sluice's own image passes its own lint, strict
// rules included: we practise what we check.
func TestOwnDockerfileLintsClean(t *testing.T) {
	code, stdout, stderr := runCLI(t, "lint", "--strict", "--fail-on", "info", "-f", "json", "../../Dockerfile")
	if code != 0 || !strings.Contains(stdout, `"findings": []`) {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestOwnImageAuditsClean builds the final stage of sluice's own Dockerfile
// the way a builder would (USER, LABEL with the build arguments, HEALTHCHECK,
// ENTRYPOINT, the binary COPY'd from the build stage) on an empty base, as
// distroless static holds no shell, package manager or setuid file, and
// audits it: zero findings. A Dockerfile change that breaks this shows here.
func TestOwnImageAuditsClean(t *testing.T) {
	b, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df, err := dockerfile.ParseBytes("Dockerfile", b)
	if err != nil {
		t.Fatal(err)
	}
	buildArgs := map[string]string{"VERSION": "v0.1.0", "REVISION": strings.Repeat("a", 40), "CREATED": "2026-11-26T00:00:00Z"}
	expand := func(s string) string { return os.Expand(s, func(k string) string { return buildArgs[k] }) }
	cfg := &v1.ConfigFile{Architecture: "amd64", OS: "linux", Created: v1.Time{Time: time.Now()},
		Config: v1.Config{Labels: map[string]string{}}}
	var files []testutil.File
	for _, in := range df.FinalStage().Instructions {
		switch in.Cmd {
		case "user":
			cfg.Config.User = in.Args[0]
		case "label":
			for _, p := range in.Pairs {
				cfg.Config.Labels[p.Key] = expand(p.Value)
			}
		case "healthcheck":
			cfg.Config.Healthcheck = &v1.HealthConfig{Test: []string{strings.ToUpper(in.Args[0])}}
		case "entrypoint":
			cfg.Config.Entrypoint = in.Args
		case "copy":
			files = append(files, testutil.File{Path: strings.TrimPrefix(in.Args[len(in.Args)-1], "/"), Content: "\x7fELF\x02\x01\x01\x00static", Mode: 0o755})
		case "arg":
		default:
			t.Fatalf("the final stage has a %s instruction this test does not build: extend it", strings.ToUpper(in.Cmd))
		}
		cfg.History = append(cfg.History, v1.History{CreatedBy: in.Original, EmptyLayer: in.Cmd != "copy"})
	}
	base := testutil.Image(t, testutil.Step{CreatedBy: "COPY --from=build", Layer: testutil.Layer(t, files...)})
	baseCfg, err := base.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cfg.RootFS = baseCfg.RootFS
	img, err := mutate.ConfigFile(base, cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "sluice-image")
	testutil.WriteOCILayout(t, dir, map[string]v1.Image{"sluice:v0.1.0": img})
	code, stdout, stderr := runCLI(t, "audit", "oci-dir:"+dir, "--no-cache", "--fail-on", "info", "-f", "json")
	if code != 0 || !strings.Contains(stdout, `"findings": []`) {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestReportKeyFormats: the formats the reports: key accepts (config cannot
// import report) are exactly the report writers.
func TestReportKeyFormats(t *testing.T) {
	got, want := config.ReportFormats(), report.Formats()
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("config.ReportFormats() = %v, report.Formats() = %v", got, want)
	}
}
