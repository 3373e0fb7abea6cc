package secrets_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/analysis"
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/secrets"
	"github.com/sluice-dev/sluice/secrets/rules"
	"github.com/sluice-dev/sluice/source"
)

// memSource is an in-memory source.Source.
type memSource struct{ files []source.File }

func (m *memSource) Metadata() source.Metadata { return source.Metadata{Kind: "test", Name: "mem"} }
func (m *memSource) Files(ctx context.Context, fn func(source.File) error) error {
	for _, f := range m.files {
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}

func memFile(f source.File, content string) source.File {
	f.Size = int64(len(content))
	return source.NewFile(f, func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(content)), nil })
}

const (
	awsKey   = "AKIAUJZDEGXDNCF32EPF"
	ghToken  = "ghp_5DQL05HA064GiIjHGb3CXlMaXZjljENUhJdu"
	keyBlock = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB\naEGGbp9V4KH1VjQ0k2R4ZcWf3Ck5S9T8pqJ6H9yHq8nN7sTq3d2L1Fz3Xc0vB2Qk\n-----END RSA PRIVATE KEY-----\n"
)

func newScanner(t testing.TB, opts secrets.Options) *secrets.Scanner {
	t.Helper()
	s, err := secrets.New(secrets.Config{Rules: rules.All()}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type brief struct {
	Path, Rule string
	Line       int
	Severity   finding.Severity
	Suppressed string
	Deleted    bool
}

func briefs(fs []finding.Finding) []brief {
	var out []brief
	for _, f := range fs {
		b := brief{Path: f.Location.Path, Rule: f.Rule, Line: f.Location.Line, Severity: f.Severity, Deleted: f.Location.Deleted}
		if f.Suppressed != nil {
			b.Suppressed = f.Suppressed.Kind
		}
		out = append(out, b)
	}
	return out
}

func TestScan(t *testing.T) {
	big := strings.Repeat("x = 1\n", 200) + "key = " + awsKey + "\n"
	src := &memSource{files: []source.File{
		memFile(source.File{Path: "app/config.env", Mode: 0o644}, "A=1\nAWS_ACCESS_KEY_ID="+awsKey+"\n"),
		memFile(source.File{Path: "allowed.env"}, "K="+awsKey+" # gitleaks:allow\nT="+ghToken+" // sluice:allow\n"),
		memFile(source.File{Path: "bin/tool"}, "ELF\x00\x00"+awsKey),
		memFile(source.File{Path: "big.txt"}, big),
		memFile(source.File{Path: "etc/ssl/key.pem", Layer: "sha256:l2", LayerIndex: 1, Deleted: true}, keyBlock),
		memFile(source.File{Path: "old.env", Layer: "sha256:l1", Deleted: true}, "stripe=sk_test_X0moDoqW4sg8NFNl5oFA6Qd8\n"),
		memFile(source.File{Path: "ignored.env"}, "\n\nK="+awsKey+"\n"),
	}}
	s := newScanner(t, secrets.Options{MaxFileSize: 1000, Ignore: map[string]bool{"ignored.env:aws-access-key-id:3": true}})
	rep, err := s.Scan(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	want := []brief{
		{Path: "app/config.env", Rule: "aws-access-key-id", Line: 2, Severity: finding.SeverityCritical},
		{Path: "etc/ssl/key.pem", Rule: "private-key", Line: 1, Severity: finding.SeverityCritical, Deleted: true},
		{Path: "allowed.env", Rule: "aws-access-key-id", Line: 1, Severity: finding.SeverityCritical, Suppressed: "inline"},
		{Path: "ignored.env", Rule: "aws-access-key-id", Line: 3, Severity: finding.SeverityCritical, Suppressed: "ignore-file"},
		{Path: "allowed.env", Rule: "github-pat", Line: 2, Severity: finding.SeverityHigh, Suppressed: "inline"},
		// A low rule in a deleted file is raised to high.
		{Path: "old.env", Rule: "stripe-test-secret-key", Line: 1, Severity: finding.SeverityHigh, Deleted: true},
	}
	got := briefs(rep.Findings)
	// Sort as the report does: severity, then kind, rule, path.
	if diff := cmp.Diff(sortBriefs(want), sortBriefs(got)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	wantStats := secrets.Stats{Files: 5, Bytes: rep.Stats.Bytes, SkippedBinary: 1, SkippedLarge: 1}
	if diff := cmp.Diff(wantStats, rep.Stats); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	if len(rep.Notes) != 2 {
		t.Errorf("notes: %+v, want one for binary and one for large files", rep.Notes)
	}
	for _, f := range rep.Findings {
		if f.Location.Path == "etc/ssl/key.pem" && (f.Location.Layer != "sha256:l2" || f.Location.LayerIndex != 1 ||
			f.Fingerprint != "sha256:l2:etc/ssl/key.pem:private-key:1") {
			t.Errorf("layer finding: %+v", f.Location)
		}
	}
}

func sortBriefs(bs []brief) []brief {
	out := append([]brief(nil), bs...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if fmt.Sprint(out[j]) < fmt.Sprint(out[i]) {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestRedaction checks no secret appears anywhere in findings or notes
// unless ShowSecrets is set.
func TestRedaction(t *testing.T) {
	raw := []string{awsKey, ghToken, "Zq7vN3pK9wLm2xT", "MIIEowIBAAKCAQEA0Z3V"}
	content := "AWS=" + awsKey + "\ntoken: " + ghToken + "\ndb_password = \"Zq7vN3pK9wLm2xT\"\n" + keyBlock
	for _, show := range []bool{false, true} {
		s := newScanner(t, secrets.Options{ShowSecrets: show})
		rep, err := s.Scan(context.Background(), &memSource{files: []source.File{memFile(source.File{Path: "leak.txt"}, content)}})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Findings) != 4 {
			t.Fatalf("show=%v: %d findings, want 4: %+v", show, len(rep.Findings), briefs(rep.Findings))
		}
		out, _ := json.Marshal(rep)
		for _, r := range raw {
			if got := bytes.Contains(out, []byte(r)); got != show {
				t.Errorf("show=%v: secret %.6s… in output = %v", show, r, got)
			}
		}
	}
}

func TestRedact(t *testing.T) {
	cases := map[string]string{"": "…", "abcd": "…", "abcdefgh": "ab…", awsKey: "AKIA…", "ünïcødé-secret": "ünïc…"}
	for in, want := range cases {
		if got := secrets.Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEntropy(t *testing.T) {
	cases := []struct {
		in   string
		want float64
	}{{"", 0}, {"aaaa", 0}, {"ab", 1}, {"abcd", 2}}
	for _, c := range cases {
		if got := secrets.ShannonEntropy(c.in); got != c.want {
			t.Errorf("ShannonEntropy(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	cases := []struct {
		name string
		cfg  secrets.Config
		want string
	}{
		{"bad regex", secrets.Config{Rules: []secrets.Rule{{ID: "x", Regex: "("}}}, `rule "x": regex`},
		{"no id", secrets.Config{Rules: []secrets.Rule{{Regex: "a"}}}, "no id"},
		{"nothing", secrets.Config{Rules: []secrets.Rule{{ID: "x"}}}, "needs a regex or a path"},
		{"group", secrets.Config{Rules: []secrets.Rule{{ID: "x", Regex: "(a)", SecretGroup: 2}}}, "secretGroup 2"},
		{"dup", secrets.Config{Rules: []secrets.Rule{{ID: "x", Regex: "a"}, {ID: "x", Regex: "b"}}}, "twice"},
		{"allowlist", secrets.Config{Rules: []secrets.Rule{{ID: "x", Regex: "a", Allowlists: []secrets.Allowlist{{}}}}}, "empty"},
		{"target", secrets.Config{Allowlists: []secrets.Allowlist{{TargetRules: []string{"y"}, Regexes: []string{"a"}}}}, `"y"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := secrets.New(c.cfg, secrets.Options{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// TestPathOnlyRule: a rule with a path and no regex reports the file, binary or not.
func TestPathOnlyRule(t *testing.T) {
	s, err := secrets.New(secrets.Config{Rules: []secrets.Rule{{ID: "pkcs12-file", Description: "PKCS#12 file", Path: `(?i)\.p(?:12|fx)$`}}}, secrets.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.Scan(context.Background(), &memSource{files: []source.File{
		memFile(source.File{Path: "certs/client.p12"}, "\x30\x82\x00\x00binary"),
		memFile(source.File{Path: "certs/client.pem"}, "text"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]brief{{Path: "certs/client.p12", Rule: "pkcs12-file", Severity: finding.SeverityHigh}}, briefs(rep.Findings)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestWindowsEqualWholeFile checks the keyword windows find exactly what
// running each candidate rule over the whole file finds, on text with
// secrets scattered among noise.
func TestWindowsEqualWholeFile(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var samples []string
	for _, r := range rules.All() {
		samples = append(samples, r.TruePositives...)
		samples = append(samples, r.FalsePositives...)
	}
	noise := []string{"func main() {", "\tkey := cfg.Key()", "password reset flow", "// token handling", "", "x = 42", strings.Repeat("a", 300)}
	lines := 3000
	if testing.Short() {
		lines = 600
	}
	var b strings.Builder
	for range lines {
		if rng.IntN(4) == 0 {
			b.WriteString(samples[rng.IntN(len(samples))])
		} else {
			b.WriteString(noise[rng.IntN(len(noise))])
		}
		b.WriteString("\n")
	}
	text := []byte(b.String())
	s := newScanner(t, secrets.Options{})
	windowed := briefs(s.ScanBytes("mix.txt", text))
	if len(windowed) < lines/30 {
		t.Fatalf("only %d findings in the mix", len(windowed))
	}
	// Whole file: one scanner per rule over the whole text, as a rule
	// without keywords runs.
	var whole []finding.Finding
	for _, r := range rules.All() {
		r.Keywords = nil
		one, err := secrets.New(secrets.Config{Rules: []secrets.Rule{r}}, secrets.Options{})
		if err != nil {
			t.Fatal(err)
		}
		whole = append(whole, one.ScanBytes("mix.txt", text)...)
	}
	// The generic rule defers to specific ones on the same line; apply the
	// same precedence to the whole-file findings.
	specific := map[int]bool{}
	for _, f := range whole {
		if !strings.HasPrefix(f.Rule, "generic") {
			specific[f.Location.Line] = true
		}
	}
	var wholeB []brief
	for _, b := range briefs(whole) {
		if strings.HasPrefix(b.Rule, "generic") && specific[b.Line] {
			continue
		}
		wholeB = append(wholeB, b)
	}
	w1, w2 := sortBriefs(windowed), sortBriefs(wholeB)
	if len(w1) != len(w2) {
		t.Errorf("windowed %d findings, whole-file %d", len(w1), len(w2))
	}
	if diff := cmp.Diff(w2, w1); diff != "" && len(diff) < 4000 {
		t.Errorf("(-whole +windowed):\n%s", diff)
	}
}

func FuzzScan(f *testing.F) {
	s := newScanner(f, secrets.Options{})
	f.Add([]byte("AWS=" + awsKey + "\n" + keyBlock))
	f.Add([]byte("password = \"Zq7vN3pK9wLm2xT\" # sluice:allow"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, fd := range s.ScanBytes("fuzz.txt", data) {
			if fd.Location.Line < 1 || fd.Rule == "" {
				t.Fatalf("bad finding %+v", fd)
			}
		}
	})
}

// TestAnalyzer runs the scanner through the analysis.Analyzer interface, as
// the image driver does for each layer: a secret added in layer 2 (index 1)
// and deleted in layer 3 keeps its layer and becomes at least high.
func TestAnalyzer(t *testing.T) {
	s := newScanner(t, secrets.Options{})
	a := s.Analyzer()
	if !a.Wants("etc/app.env", 0o644, 100) || a.Wants("etc/dir", os.ModeDir, 0) || a.Wants("big", 0o644, 1<<30) {
		t.Error("Wants: want regular files within the size limit")
	}
	if a.Version() != newScanner(t, secrets.Options{}).Analyzer().Version() {
		t.Error("version not stable for the same rules")
	}
	// Options that change what is reported change the version, so cached
	// layer results made under other options are not reused.
	for name, o := range map[string]secrets.Options{
		"show secrets":    {ShowSecrets: true},
		"no inline allow": {NoInlineAllow: true},
		"size limit":      {MaxFileSize: 1 << 20},
		"ignore":          {Ignore: map[string]bool{"app/.env:stripe-access-token:1": true}},
		"skip paths":      {SkipPaths: []string{".gitleaks.toml"}},
	} {
		if newScanner(t, o).Analyzer().Version() == a.Version() {
			t.Errorf("%s: same version as the default options", name)
		}
	}
	content := []byte("STRIPE=sk_test_X0moDoqW4sg8NFNl5oFA6Qd8\n")
	res, err := a.Analyze(context.Background(), &analysis.Input{Path: "app/.env", Mode: 0o644, Size: int64(len(content)),
		Layer: "sha256:layer2", LayerIndex: 1, Content: bytes.NewReader(content)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 {
		t.Fatalf("findings: %+v", res.Findings)
	}
	f := res.Findings[0]
	if f.Severity != finding.SeverityLow || f.Location.Layer != "sha256:layer2" || f.Location.LayerIndex != 1 {
		t.Errorf("before deletion: %v %+v", f.Severity, f.Location)
	}
	var marker analysis.DeletionMarker = a // how the driver calls it
	marker.MarkDeleted(&f)
	if f.Severity != finding.SeverityHigh || !f.Location.Deleted {
		t.Errorf("after deletion: %v deleted=%v", f.Severity, f.Location.Deleted)
	}
}
