package secrets

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWindowOf(t *testing.T) {
	cases := []struct {
		name string
		rule Rule
		want window
	}{
		{"literal prefix", Rule{ID: "a", Regex: `\b(AKIA[A-Z2-7]{16})\b`, Keywords: []string{"akia"}},
			window{nlBefore: 0, nlAfter: 0, lenBefore: 16, lenAfter: 80}},
		{"anchor in the middle", Rule{ID: "g", Regex: `(?i)[\w.-]{0,5}?(?:api[_.-]?key|secret)\s{0,2}=\s*"([^"\n]{1,8})"`, Keywords: []string{"api_key", "api.key", "api-key", "apikey", "secret"}},
			window{nlBefore: 0, nlAfter: -1, lenBefore: 48, lenAfter: -1}},
		{"keyword missing from anchor", Rule{ID: "g", Regex: `(?i)x{0,5}(?:api[_.-]?key|secret)\s?=`, Keywords: []string{"apikey", "secret"}},
			window{nlBefore: 1, nlAfter: 1, lenBefore: 56, lenAfter: 56}},
		{"unbounded after a literal start", Rule{ID: "p", Regex: `BEGIN[\s\S]+END`, Keywords: []string{"begin"}},
			window{nlBefore: 0, nlAfter: -1, lenBefore: 20, lenAfter: -1}},
		{"unbounded both ways", Rule{ID: "p", Regex: `[\s\S]+BEGIN[\s\S]+`, Keywords: []string{"egin"}},
			window{nlBefore: -1, nlAfter: -1, lenBefore: -1, lenAfter: -1}},
		{"unbounded length, one line", Rule{ID: "p", Regex: `password=.*`, Keywords: []string{"password"}},
			window{nlBefore: 0, nlAfter: 0, lenBefore: 36, lenAfter: -1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cr, err := compileRule(&c.rule, 0)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, cr.win, cmp.AllowUnexported(window{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
