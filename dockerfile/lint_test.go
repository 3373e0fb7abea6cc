package dockerfile_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/dockerfile/rules"
	"github.com/sluice-dev/sluice/finding"
)

type hit struct {
	Rule       string
	Line       int
	Suppressed string // suppression reason, "" when active
}

func lint(t *testing.T, src string, opts dockerfile.Options) []hit {
	t.Helper()
	fs, err := dockerfile.LintReader(context.Background(), "Dockerfile", strings.NewReader(src), rules.All(), opts)
	if err != nil {
		t.Fatal(err)
	}
	var out []hit
	for _, f := range fs {
		h := hit{Rule: f.Rule, Line: f.Location.Line}
		if f.Suppressed != nil {
			if f.Suppressed.Kind != "inline" {
				t.Errorf("suppression kind %q, want inline", f.Suppressed.Kind)
			}
			h.Suppressed = f.Suppressed.Reason
		}
		out = append(out, h)
	}
	slices.SortFunc(out, func(a, b hit) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return strings.Compare(a.Rule, b.Rule)
	})
	return out
}

func TestPragmas(t *testing.T) {
	src := `# hadolint global ignore=SL1014,SL1001
FROM debian:latest
# hadolint ignore=DL3008,DL3015
RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
# sluice:ignore DL3003 the build script needs its own directory
RUN cd /src && make
RUN cd /x
`
	got := lint(t, src, dockerfile.Options{})
	want := []hit{
		{"DL3007", 2, ""},
		{"SL1001", 2, "# hadolint-global ignore pragma"},
		{"SL1014", 2, "# hadolint-global ignore pragma"},
		{"DL3008", 4, "# hadolint ignore pragma"},
		{"DL3015", 4, "# hadolint ignore pragma"},
		{"DL3003", 6, "the build script needs its own directory"},
		{"DL3003", 7, ""},
		{"DL3059", 7, ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// disable-ignore-pragma turns every pragma off.
	for _, h := range lint(t, src, dockerfile.Options{NoInlinePragmas: true}) {
		if h.Suppressed != "" {
			t.Errorf("%+v suppressed with NoInlinePragmas", h)
		}
	}
}

func TestOptions(t *testing.T) {
	src := "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7 && rm -rf /var/lib/apt/lists/*\nUSER 1000\nHEALTHCHECK CMD true\n"
	tests := []struct {
		name string
		opts dockerfile.Options
		want []hit
	}{
		{"defaults", dockerfile.Options{}, nil},
		{"strict", dockerfile.Options{Strict: true}, []hit{{"SL1006", 1, ""}}},
		{"enable-off-rule", dockerfile.Options{Enable: []string{"SL1006"}}, []hit{{"SL1006", 1, ""}}},
		{"trusted-registry", dockerfile.Options{TrustedRegistries: []string{"registry.example.com"}}, []hit{{"DL3026", 1, ""}}},
		{"ignore", dockerfile.Options{Strict: true, Ignore: []string{"sl1006"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, lint(t, src, tt.opts)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestHadolintConfig(t *testing.T) {
	cfg := `ignored: [DL3007]
override:
  error: [DL3059]
  info: [DL3057]
trustedRegistries: [docker.io, "*.example.com"]
label-schema:
  maintainer: email
strict-labels: true
failure-threshold: warning
`
	c, err := dockerfile.ParseHadolintConfig(".hadolint.yaml", strings.NewReader(cfg))
	if err != nil {
		t.Fatal(err)
	}
	var o dockerfile.Options
	c.Apply(&o)
	want := dockerfile.Options{
		Ignore:            []string{"DL3007"},
		Override:          map[string]finding.Severity{"DL3059": finding.SeverityHigh, "DL3057": finding.SeverityLow},
		TrustedRegistries: []string{"docker.io", "*.example.com"},
		LabelSchema:       map[string]string{"maintainer": "email"},
		StrictLabels:      true,
	}
	if diff := cmp.Diff(want, o); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
	if sev, ok, never := c.Threshold(); !ok || never || sev != finding.SeverityMedium {
		t.Errorf("threshold = %v %v %v", sev, ok, never)
	}
	src := "FROM debian:latest\nLABEL maintainer=\"nobody\" extra=1\nRUN true\nRUN true\n"
	got := lint(t, src, o)
	wantHits := []hit{{"DL3057", 1, ""}, {"SL1001", 1, ""}, {"SL1014", 1, ""}, {"DL3050", 2, ""}, {"DL3058", 2, ""}, {"DL3059", 4, ""}}
	if diff := cmp.Diff(wantHits, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, bad := range []string{"label-schema: {a: number}\n", "failure-threshold: loud\n", "ignored: {a: 1}\n"} {
		if _, err := dockerfile.ParseHadolintConfig("bad.yaml", strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "bad.yaml") {
			t.Errorf("%q: err = %v, want an error naming the file", bad, err)
		}
	}
}

func TestConfigOptions(t *testing.T) {
	o, err := dockerfile.Config{Ignore: []string{"DL3008"}, Override: map[string]string{"dl3059": "warning"}, Strict: true}.Options()
	if err != nil {
		t.Fatal(err)
	}
	if o.Override["DL3059"] != finding.SeverityMedium || !o.Strict || o.Ignore[0] != "DL3008" {
		t.Errorf("options = %+v", o)
	}
	if _, err := (dockerfile.Config{Override: map[string]string{"DL3059": "loud"}}).Options(); err == nil {
		t.Error("unknown severity accepted")
	}
}

// corpusDir is ../shared/corpus/dockerfiles beside the checkout (CI), or
// two levels up for a git worktree under a workspace directory.
func corpusDir(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..")
	for _, up := range []string{"..", filepath.Join("..", "..")} {
		dir := filepath.Join(root, up, "shared", "corpus", "dockerfiles")
		if _, err := os.Stat(dir); err == nil {
			return dir
		}
	}
	t.Skipf("corpus not present at %s (CI puts ../shared beside the checkout)", filepath.Join(root, "..", "shared"))
	return ""
}

func corpus(t testing.TB) map[string][]byte {
	dir := corpusDir(t)
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

// TestCorpus lints every real Dockerfile: no crash, no rule failure, and
// only the template that is not a Dockerfile fails to parse.
func TestCorpus(t *testing.T) {
	files := corpus(t)
	all := rules.All()
	counts := map[string]int{}
	for name, b := range files {
		fs, err := dockerfile.LintReader(context.Background(), name, strings.NewReader(string(b)), all, dockerfile.Options{Strict: true})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for _, f := range fs {
			counts[f.Rule]++
			if f.Rule == dockerfile.ParseErrorID && !strings.HasSuffix(name, ".template") {
				t.Errorf("%s:%d does not parse: %s", name, f.Location.Line, f.Message)
			}
			if f.Location.Line <= 0 && f.Rule != dockerfile.ParseErrorID {
				t.Errorf("%s: %s finding without a line", name, f.Rule)
			}
		}
	}
	t.Logf("%d files; findings per rule: %v", len(files), fmt.Sprint(counts))
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"FROM debian:12\nRUN apt-get update && apt-get install -y curl\n",
		"# escape=`\nFROM x\nRUN a `\n b\n",
		"FROM a AS b\nCOPY --from=b / /\nRUN <<EOF\ncd /x | sh\nEOF\n",
		"ARG X=1\nFROM ${X:-y}\nENV A=1 B=$A\nLABEL a=\"b c\"\nONBUILD RUN sh -c \"$(curl x)\"\n",
		"# hadolint ignore=DL3008\n# sluice:ignore SL1001 reason\nFROM x\nUSER root\nEXPOSE 99999 22\n",
	} {
		f.Add([]byte(s))
	}
	all := rules.All()
	f.Fuzz(func(t *testing.T, data []byte) {
		fs, err := dockerfile.LintReader(context.Background(), "fuzz", strings.NewReader(string(data)), all, dockerfile.Options{Strict: true})
		if err != nil {
			t.Fatalf("error for in-memory input: %v", err)
		}
		for _, f := range fs {
			if f.Rule == "" || f.Location.Path != "fuzz" {
				t.Fatalf("malformed finding %+v", f)
			}
		}
	})
}

func BenchmarkLintCorpus(b *testing.B) {
	files := corpus(b)
	all := rules.All()
	var size int64
	for _, d := range files {
		size += int64(len(d))
	}
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for name, d := range files {
			if _, err := dockerfile.LintReader(context.Background(), name, strings.NewReader(string(d)), all, dockerfile.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(files)), "files/op")
}

// TestHostileScale lints a large generated Dockerfile that would take
// minutes if any rule or lookup were quadratic in stages, instructions or
// commands (each stage copies from the one before, expands variables and
// runs many commands in one RUN).
func TestHostileScale(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	var b strings.Builder
	b.WriteString("ARG BASE=debian:12\n")
	const n = 4000
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "FROM ${BASE} AS s%d\nENV P=%d PIP_NO_CACHE_DIR=1\nCOPY --from=s%d /a /a\nEXPOSE $P\nUSER $P\nRUN pip install x && curl -fsSL https://x | tar -x\n", i, i, max(i-1, 0))
	}
	b.WriteString("RUN true")
	for i := 0; i < n; i++ {
		b.WriteString(" \\\n && chmod 777 /d && curl -fsSL https://x | sh")
	}
	b.WriteString("\n")
	start := time.Now()
	fs, err := dockerfile.LintReader(context.Background(), "big", strings.NewReader(b.String()), rules.All(), dockerfile.Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("%d lines took %v: something is quadratic", 6*n, d)
	}
	if len(fs) < n {
		t.Errorf("only %d findings", len(fs))
	}
}
