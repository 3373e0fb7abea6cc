package version

import (
	"cmp"
	"errors"
	"regexp"
	"strconv"
	"strings"
)

// gem is RubyGems' Gem::Version ordering
// (https://github.com/rubygems/rubygems/blob/master/lib/rubygems/version.rb):
// a version splits into numeric and alphabetic segments; any alphabetic
// segment makes it a pre-release that sorts before the release; trailing
// zeros do not count ("1.0" == "1").
type gem struct{}

// gemPattern is Gem::Version::ANCHORED_VERSION_PATTERN.
var (
	gemPattern = regexp.MustCompile(`^\s*([0-9]+(?:\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?)?\s*$`)
	gemSegment = regexp.MustCompile(`[0-9]+|[a-zA-Z]+`)
)

func (gem) Scheme() string { return "gem" }
func (gem) Parse(v string) (Version, error) {
	return parseWith("gem", v, parseGem, compareGem)
}

// gemSeg is one segment: a number, or a string when num is false.
type gemSeg struct {
	num bool
	n   uint64
	s   string
}

func parseGem(s string) ([]gemSeg, error) {
	if len(s) > 256 || !gemPattern.MatchString(s) {
		return nil, errors.New("not a RubyGems version")
	}
	v := strings.TrimSpace(s)
	if v == "" {
		v = "0"
	}
	v = strings.ReplaceAll(v, "-", ".pre.")
	var segs []gemSeg
	for _, p := range gemSegment.FindAllString(v, -1) {
		if p[0] >= '0' && p[0] <= '9' {
			n, err := strconv.ParseUint(p, 10, 64)
			if err != nil {
				return nil, err
			}
			segs = append(segs, gemSeg{num: true, n: n})
		} else {
			segs = append(segs, gemSeg{s: p})
		}
	}
	return canonicalGem(segs), nil
}

// canonicalGem drops trailing zeros of the numeric part (before the first
// string segment) and of the rest, as Gem::Version#canonical_segments.
func canonicalGem(segs []gemSeg) []gemSeg {
	split := len(segs)
	for i, s := range segs {
		if !s.num {
			split = i
			break
		}
	}
	out := trimZeros(segs[:split])
	return append(out[:len(out):len(out)], trimZeros(segs[split:])...)
}

func trimZeros(segs []gemSeg) []gemSeg {
	end := len(segs)
	for end > 0 && segs[end-1].num && segs[end-1].n == 0 {
		end--
	}
	return segs[:end]
}

func compareGem(a, b []gemSeg) int {
	zero := gemSeg{num: true}
	for i := 0; i < max(len(a), len(b)); i++ {
		l, r := zero, zero
		if i < len(a) {
			l = a[i]
		}
		if i < len(b) {
			r = b[i]
		}
		switch {
		case l == r:
			continue
		case !l.num && r.num:
			return -1
		case l.num && !r.num:
			return 1
		case l.num:
			return cmp.Compare(l.n, r.n)
		default:
			return cmp.Compare(l.s, r.s)
		}
	}
	return 0
}
