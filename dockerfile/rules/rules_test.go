package rules_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/dockerfile/rules"
)

// A fixture is testdata/<ID>.txtar: sections "-- catch-NAME --" and
// "-- pass-NAME --", each a Dockerfile. "# want RULE[,RULE]" expects the
// findings on the next instruction line, "# want@N RULE" on line N (0 for
// the whole file); "# test-opts {json}" sets dockerfile.Options.
type section struct {
	name string
	body string
}

func readFixture(t *testing.T, id string) []section {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", id+".txtar"))
	if err != nil {
		t.Fatalf("rule %s has no fixture: %v", id, err)
	}
	var out []section
	for _, line := range strings.SplitAfter(string(data), "\n") {
		trim := strings.TrimSpace(line)
		if strings.HasPrefix(trim, "-- ") && strings.HasSuffix(trim, " --") && len(trim) > 6 {
			out = append(out, section{name: strings.TrimSpace(trim[3 : len(trim)-3])})
			continue
		}
		if len(out) > 0 {
			out[len(out)-1].body += line
		}
	}
	return out
}

var (
	wantRe = regexp.MustCompile(`^#\s*want(@\d+)?\s+([A-Z0-9, ]+)$`)
	optsRe = regexp.MustCompile(`^#\s*test-opts\s+(\{.*\})$`)
)

func expectations(t *testing.T, body string) (want []string, opts dockerfile.Options) {
	t.Helper()
	lines := strings.Split(body, "\n")
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if m := optsRe.FindStringSubmatch(l); m != nil {
			if err := json.Unmarshal([]byte(m[1]), &opts); err != nil {
				t.Fatalf("test-opts: %v", err)
			}
			continue
		}
		m := wantRe.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		line := 0
		if m[1] != "" {
			line, _ = strconv.Atoi(m[1][1:])
		} else {
			for j := i + 1; j < len(lines); j++ {
				n := strings.TrimSpace(lines[j])
				if n != "" && !strings.HasPrefix(n, "#") {
					line = j + 1
					break
				}
			}
		}
		for _, id := range strings.FieldsFunc(m[2], func(r rune) bool { return r == ',' || r == ' ' }) {
			want = append(want, fmt.Sprintf("%d:%s", line, id))
		}
	}
	slices.Sort(want)
	return want, opts
}

func TestRules(t *testing.T) {
	for _, r := range rules.All() {
		t.Run(r.ID, func(t *testing.T) {
			secs := readFixture(t, r.ID)
			var catches, passes int
			for _, s := range secs {
				t.Run(s.name, func(t *testing.T) {
					want, opts := expectations(t, s.body)
					switch {
					case strings.HasPrefix(s.name, "catch-"):
						catches++
						if len(want) == 0 {
							t.Fatalf("catch case without a # want line")
						}
					case strings.HasPrefix(s.name, "pass-"):
						passes++
						if len(want) != 0 {
							t.Fatalf("pass case with a # want line")
						}
					default:
						t.Fatalf("section name must start with catch- or pass-")
					}
					opts.Enable = append(opts.Enable, r.ID)
					fs, err := dockerfile.LintReader(context.Background(), "Dockerfile", strings.NewReader(s.body), []dockerfile.Rule{r}, opts)
					if err != nil {
						t.Fatal(err)
					}
					var got []string
					for _, f := range fs {
						if f.Active() {
							got = append(got, fmt.Sprintf("%d:%s", f.Location.Line, f.Rule))
						}
					}
					slices.Sort(got)
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("findings (-want +got):\n%s\nmessages: %v", diff, fs)
					}
				})
			}
			if catches == 0 || passes == 0 {
				t.Errorf("rule %s needs at least one catch- and one pass- case (has %d, %d)", r.ID, catches, passes)
			}
		})
	}
}

func TestRuleMetadata(t *testing.T) {
	seen := map[string]bool{}
	idRe := regexp.MustCompile(`^(DL[134]\d{3}|SL1\d{3})$`)
	for _, r := range rules.All() {
		if !idRe.MatchString(r.ID) {
			t.Errorf("%s: ID must be DLnnnn or SL1nnn", r.ID)
		}
		if seen[r.ID] {
			t.Errorf("%s: duplicate ID", r.ID)
		}
		seen[r.ID] = true
		if r.Title == "" || r.Why == "" || r.Bad == "" || r.Good == "" || r.Check == nil || r.Version < 1 {
			t.Errorf("%s: title, why, bad and good examples, check and version are required", r.ID)
		}
		if strings.HasPrefix(r.ID, "DL") && r.Upstream == "" {
			t.Errorf("%s: DL rules record hadolint's default severity in Upstream", r.ID)
		}
		if sev, ok := dockerfile.FromHadolint(r.Upstream); ok && sev != r.Severity {
			t.Errorf("%s: severity %s does not follow hadolint's %s", r.ID, r.Severity, r.Upstream)
		}
	}
	if !slices.IsSortedFunc(rules.All(), func(a, b dockerfile.Rule) int { return strings.Compare(a.ID, b.ID) }) {
		t.Error("All() must be sorted by ID")
	}
}
