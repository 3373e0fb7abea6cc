package secrets

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type kwHit struct{ KW, End int }

func naiveHits(keywords []string, text []byte) []kwHit {
	lower := make([]byte, len(text))
	for i, b := range text {
		lower[i] = lowerASCII(b)
	}
	var out []kwHit
	for end := 1; end <= len(lower); end++ {
		for k, kw := range keywords {
			if kw != "" && end >= len(kw) && string(lower[end-len(kw):end]) == kw {
				out = append(out, kwHit{k, end})
			}
		}
	}
	return out
}

func matcherHits(m *keywordMatcher, text []byte) []kwHit {
	var out []kwHit
	m.scan(text, func(kw int32, end int) { out = append(out, kwHit{int(kw), end}) })
	return out
}

func sortHits(h []kwHit) []kwHit {
	// Same end: order by keyword index, as naiveHits does.
	for i := range h {
		for j := i + 1; j < len(h); j++ {
			if h[j].End < h[i].End || (h[j].End == h[i].End && h[j].KW < h[i].KW) {
				h[i], h[j] = h[j], h[i]
			}
		}
	}
	return h
}

func TestKeywordMatcher(t *testing.T) {
	cases := []struct {
		name     string
		keywords []string
		text     string
	}{
		{"overlap", []string{"he", "she", "his", "hers"}, "ushers and HIS sheep"},
		{"suffix chain", []string{"a", "aa", "aaa"}, "aaaa"},
		{"case", []string{"akia", "private key"}, "AKIA Private KEY akia"},
		{"none", []string{"xyz"}, "nothing here"},
		{"empty keyword", []string{"", "b"}, "abc"},
		{"no keywords", nil, "abc"},
		{"bytes", []string{"\xff\x00", "é"}, "a\xff\x00é"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := newKeywordMatcher(c.keywords)
			want := naiveHits(c.keywords, []byte(c.text))
			got := sortHits(matcherHits(m, []byte(c.text)))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzKeywordMatcher(f *testing.F) {
	f.Add("he\x00she\x00hers", "ushers")
	f.Add("a\x00ab\x00bab", "abababab")
	f.Fuzz(func(t *testing.T, kws, text string) {
		keywords := bytes.Split([]byte(kws), []byte{0})
		var ks []string
		for _, k := range keywords {
			if len(k) <= 8 {
				ks = append(ks, string(k))
			}
		}
		if len(ks) > 20 || len(text) > 2000 {
			return
		}
		// Lower-case ASCII only: the matcher folds ASCII.
		for i, k := range ks {
			lk := []byte(k)
			for j := range lk {
				lk[j] = lowerASCII(lk[j])
			}
			ks[i] = string(lk)
		}
		m := newKeywordMatcher(ks)
		want := naiveHits(ks, []byte(text))
		got := sortHits(matcherHits(m, []byte(text)))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("keywords %q text %q (-want +got):\n%s", ks, text, diff)
		}
	})
}
