// Package version orders package versions the way each ecosystem does: dpkg
// for Debian and Ubuntu, apk-tools for Alpine, RPM EVR for the RPM distros,
// semantic versioning for Go, crates.io and the SEMVER range type, PEP 440
// for PyPI, Maven's ComparableVersion, npm's node-semver, RubyGems'
// Gem::Version and NuGet's SemVer 2.0 with four-part releases.
//
// Every comparer treats an unparsable version as an error and never panics,
// so one bad record in a feed cannot abort a scan.
package version

import (
	"errors"
	"fmt"
	"strings"
)

// Comparer orders versions of one scheme.
type Comparer interface {
	// Scheme names the ordering ("deb", "apk", "rpm", "semver", "go",
	// "pep440", "maven", "npm", "gem", "nuget").
	Scheme() string
	// Compare returns -1, 0 or +1 as a is lower than, equal to or higher than
	// b, or an error naming the version that does not parse.
	Compare(a, b string) (int, error)
	// Valid reports whether v parses in this scheme.
	Valid(v string) error
	// Parse reads v once, for callers that compare one version many
	// times: match evaluates every range of every advisory against it.
	Parse(v string) (Version, error)
}

// Version is a version that a Comparer parsed.
type Version interface {
	// Compare returns -1, 0 or +1 as this version is lower than, equal to
	// or higher than w, which must come from a Comparer of the same scheme.
	Compare(w Version) (int, error)
	// String is the version as it was parsed.
	String() string
}

// ordering is what each scheme implements: its name and a parser whose
// results carry their order. safe derives Compare and Valid from Parse.
type ordering interface {
	Scheme() string
	Parse(v string) (Version, error)
}

// ErrUnknownEcosystem is returned by For for an ecosystem without an ordering.
var ErrUnknownEcosystem = errors.New("no version ordering for ecosystem")

// schemes maps OSV ecosystem names (without the ":release" suffix) to an
// ordering. https://ossf.github.io/osv-schema/#affectedpackage-field
var schemes = map[string]ordering{
	"Debian": deb{}, "Ubuntu": deb{}, "Echo": deb{},
	"Alpine": apk{}, "Wolfi": apk{}, "Chainguard": apk{}, "Alpaquita": apk{}, "BellSoft Hardened Containers": apk{},
	"AlmaLinux": rpm{}, "Rocky Linux": rpm{}, "Red Hat": rpm{}, "SUSE": rpm{}, "openSUSE": rpm{},
	"CBL-Mariner": rpm{}, "Azure Linux": rpm{}, "Mageia": rpm{}, "openEuler": rpm{}, "Photon OS": rpm{},
	"Go": golang{}, "crates.io": semverScheme{}, "Hex": semverScheme{}, "Pub": semverScheme{},
	"SwiftURL": semverScheme{}, "Packagist": semverScheme{},
	"PyPI": pep440{}, "Maven": maven{}, "npm": npm{}, "RubyGems": gem{}, "NuGet": nuget{},
	// Range types of the OSV schema that name their own ordering.
	"SEMVER": semverScheme{},
}

// For returns the ordering of an OSV ecosystem. A release suffix
// ("Debian:12", "Alpine:v3.18", "AlmaLinux:9") is ignored.
func For(ecosystem string) (Comparer, error) {
	base, _, _ := strings.Cut(ecosystem, ":")
	if c, ok := schemes[base]; ok {
		return safe{c}, nil
	}
	return nil, fmt.Errorf("%w %q", ErrUnknownEcosystem, ecosystem)
}

// Compare orders a and b in the scheme of ecosystem.
func Compare(ecosystem, a, b string) (int, error) {
	c, err := For(ecosystem)
	if err != nil {
		return 0, err
	}
	return c.Compare(a, b)
}

// safe turns a panic inside a third-party parser into an error: the libraries
// we wrap were not all written for hostile input.
type safe struct{ o ordering }

func (s safe) Scheme() string { return s.o.Scheme() }

// MaxLen is the longest version string any scheme accepts; real versions
// are far shorter, and the limit bounds the work per comparison.
const MaxLen = 256

func checkLen(scheme, v string) error {
	if len(v) > MaxLen {
		return fmt.Errorf("invalid %s version: longer than %d bytes", scheme, MaxLen)
	}
	return nil
}

func (s safe) Parse(v string) (_ Version, err error) {
	if err := checkLen(s.o.Scheme(), v); err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: parse %q: %v", s.o.Scheme(), v, r)
		}
	}()
	return s.o.Parse(v)
}

func (s safe) Valid(v string) error {
	_, err := s.Parse(v)
	return err
}

func (s safe) Compare(a, b string) (int, error) { return CompareWith(s.Parse, a, b) }

// CompareWith orders a and b as parse reads them: a Comparer's Compare
// with another source of parsed versions, such as a memo of them.
func CompareWith(parse func(string) (Version, error), a, b string) (int, error) {
	va, err := parse(a)
	if err != nil {
		return 0, err
	}
	vb, err := parse(b)
	if err != nil {
		return 0, err
	}
	return va.Compare(vb)
}

// parsed is a version of one scheme, parsed into the form T that the
// scheme's library orders with cmp.
type parsed[T any] struct {
	scheme, s string
	v         T
	cmp       func(T, T) int
}

func (p parsed[T]) String() string { return p.s }

func (p parsed[T]) Compare(w Version) (n int, err error) {
	q, ok := w.(parsed[T])
	if !ok || q.scheme != p.scheme {
		return 0, fmt.Errorf("%s: compare %q with a version of another scheme (%v)", p.scheme, p.s, w)
	}
	defer func() {
		if r := recover(); r != nil {
			n, err = 0, fmt.Errorf("%s: compare %q with %q: %v", p.scheme, p.s, q.s, r)
		}
	}()
	return sign(p.cmp(p.v, q.v)), nil
}

// sign maps any integer onto -1, 0, +1.
func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// invalid builds the error every scheme returns for a bad version.
func invalid(scheme, v string, err error) error {
	if err == nil {
		return fmt.Errorf("invalid %s version %q", scheme, v)
	}
	return fmt.Errorf("invalid %s version %q: %w", scheme, v, err)
}

// parseWith parses s with parse and pairs the result with its ordering.
func parseWith[T any](scheme, s string, parse func(string) (T, error), cmp func(T, T) int) (Version, error) {
	v, err := parse(s)
	if err != nil {
		return nil, invalid(scheme, s, err)
	}
	return parsed[T]{scheme: scheme, s: s, v: v, cmp: cmp}, nil
}
