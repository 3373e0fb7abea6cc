package version

import (
	"cmp"
	"errors"
	"strconv"
	"strings"
)

// nuget is NuGet's ordering (https://learn.microsoft.com/nuget/concepts/package-versioning):
// SemVer 2.0 extended to four release numbers (1.0 == 1.0.0 == 1.0.0.0),
// case-insensitive pre-release labels, build metadata ignored.
type nuget struct{}

func (nuget) Scheme() string { return "nuget" }
func (nuget) Parse(v string) (Version, error) {
	return parseWith("nuget", v, parseNuGet, compareNuGet)
}

type nugetVersion struct {
	release [4]uint64
	pre     []string
}

func parseNuGet(s string) (nugetVersion, error) {
	var v nugetVersion
	s = strings.TrimSpace(s)
	s, _, _ = strings.Cut(s, "+")
	rel, pre, hasPre := strings.Cut(s, "-")
	parts := strings.Split(rel, ".")
	if rel == "" || len(parts) > 4 {
		return v, errors.New("want 1 to 4 dot-separated numbers")
	}
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 64)
		if err != nil || p == "" {
			return v, errors.New("release part " + strconv.Quote(p) + " is not a number")
		}
		v.release[i] = n
	}
	if hasPre {
		for _, id := range strings.Split(pre, ".") {
			if id == "" || strings.IndexFunc(id, func(r rune) bool {
				return !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
			}) >= 0 {
				return v, errors.New("bad pre-release label " + strconv.Quote(pre))
			}
			v.pre = append(v.pre, strings.ToLower(id))
		}
	}
	return v, nil
}

func compareNuGet(a, b nugetVersion) int {
	for i := range a.release {
		if c := cmp.Compare(a.release[i], b.release[i]); c != 0 {
			return c
		}
	}
	switch {
	case len(a.pre) == 0 && len(b.pre) == 0:
		return 0
	case len(a.pre) == 0:
		return 1
	case len(b.pre) == 0:
		return -1
	}
	for i := 0; i < min(len(a.pre), len(b.pre)); i++ {
		if c := comparePreID(a.pre[i], b.pre[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a.pre), len(b.pre))
}

// comparePreID orders SemVer pre-release identifiers: numbers numerically
// and below alphanumerics, which compare in ASCII order.
func comparePreID(a, b string) int {
	na, ea := strconv.ParseUint(a, 10, 64)
	nb, eb := strconv.ParseUint(b, 10, 64)
	switch {
	case ea == nil && eb == nil:
		return cmp.Compare(na, nb)
	case ea == nil:
		return -1
	case eb == nil:
		return 1
	}
	return cmp.Compare(a, b)
}
