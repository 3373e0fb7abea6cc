package version

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	npmv "github.com/aquasecurity/go-npm-version/pkg"
	pep440v "github.com/aquasecurity/go-pep440-version"
	apkv "github.com/knqyf263/go-apk-version"
	rpmv "github.com/knqyf263/go-rpm-version"
	mvnv "github.com/masahiro331/go-mvn-version"
	"golang.org/x/mod/semver"
	debv "pault.ag/go/debian/version"
)

// deb is dpkg's ordering: epoch, upstream version with '~' sorting before
// everything, then the Debian revision.
type deb struct{}

func (deb) Scheme() string { return "deb" }
func (deb) Parse(v string) (Version, error) {
	return parseWith("deb", v, parseDeb, debv.Compare)
}

func parseDeb(s string) (debv.Version, error) {
	v, err := debv.Parse(s)
	if err != nil {
		return v, err
	}
	if v.Version == "" || !unicode.IsDigit(rune(v.Version[0])) {
		return v, errors.New("upstream version must start with a digit")
	}
	return v, nil
}

// apk is apk-tools' ordering: numbers, letter suffix, _alpha/_beta/_pre/_rc
// before the release and _p after, then -rN.
type apk struct{}

func (apk) Scheme() string { return "apk" }
func (apk) Parse(v string) (Version, error) {
	return parseWith("apk", v, parseAPK, apkv.Version.Compare)
}

// apkPattern is apk-tools' version grammar (src/version.c): numbers, an
// optional letter, suffixes, an optional ~hash and -rN. Checking it first
// keeps input the library's tokenizer was not written for away from it.
var apkPattern = regexp.MustCompile(`^[0-9]+(\.[0-9]+)*[a-z]?(_(alpha|beta|pre|rc|cvs|svn|git|hg|p)[0-9]*)*(~[0-9a-f]+)?(-r[0-9]+)?$`)

func parseAPK(s string) (apkv.Version, error) {
	if len(s) > 128 || !apkPattern.MatchString(s) || !apkv.Valid(s) {
		return apkv.Version(""), errors.New("not an apk version")
	}
	return apkv.NewVersion(s)
}

// rpm is rpmvercmp over epoch, version and release.
type rpm struct{}

func (rpm) Scheme() string { return "rpm" }
func (rpm) Parse(v string) (Version, error) {
	return parseWith("rpm", v, parseRPM, rpmv.Version.Compare)
}

func parseRPM(s string) (rpmv.Version, error) {
	if s == "" || strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		return rpmv.Version{}, errors.New("empty or contains spaces")
	}
	if e, rest, ok := strings.Cut(s, ":"); ok {
		if _, err := strconv.ParseUint(e, 10, 31); err != nil || rest == "" {
			return rpmv.Version{}, errors.New("epoch must be a number followed by a version")
		}
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 {
		return rpmv.Version{}, errors.New("no digits or letters")
	}
	return rpmv.NewVersion(s), nil
}

// semverScheme is Semantic Versioning 2.0 (OSV's SEMVER range type, Cargo).
// A missing leading "v" is tolerated, as are "v1" and "v1.2" shorthands.
type semverScheme struct{}

func (semverScheme) Scheme() string { return "semver" }
func (semverScheme) Parse(v string) (Version, error) {
	return parseWith("semver", v, parseSemver, semver.Compare)
}

func parseSemver(s string) (string, error) {
	v := s
	if !strings.HasPrefix(v, "v") {
		v = "v" + v
	}
	if !semver.IsValid(v) {
		return "", errors.New("not semantic versioning 2.0")
	}
	return v, nil
}

// golang orders Go module versions (semver with pseudo-versions, which are
// pre-releases of the next patch, and +incompatible, which is build metadata)
// and Go toolchain versions ("go1.21.3", "1.21rc2", "1.22").
type golang struct{}

func (golang) Scheme() string { return "go" }
func (golang) Parse(v string) (Version, error) {
	return parseWith("go", v, parseGo, semver.Compare)
}

func parseGo(s string) (string, error) {
	v := strings.TrimPrefix(s, "go")
	if !strings.HasPrefix(v, "v") {
		v = "v" + v
	}
	if semver.IsValid(v) {
		return v, nil
	}
	// Toolchain pre-releases: 1.21rc2 -> v1.21.0-rc.2, 1.9beta1 -> v1.9.0-beta.1.
	for _, pre := range []string{"rc", "beta", "alpha"} {
		if i := strings.Index(v, pre); i > 0 {
			base, n := v[:i], v[i+len(pre):]
			if strings.Count(base, ".") == 1 {
				base += ".0"
			}
			if _, err := strconv.Atoi(n); err == nil {
				cand := base + "-" + pre + "." + n
				if semver.IsValid(cand) {
					return cand, nil
				}
			}
		}
	}
	return "", errors.New("not a Go module or toolchain version")
}

// pep440 is Python's version ordering: epochs, pre-, post- and dev-releases,
// local versions.
type pep440 struct{}

func (pep440) Scheme() string { return "pep440" }
func (pep440) Parse(v string) (Version, error) {
	return parseWith("pep440", v, pep440v.Parse, pep440v.Version.Compare)
}

// maven is Maven's ComparableVersion ordering (qualifiers alpha < beta <
// milestone < rc < snapshot < release < sp).
type maven struct{}

func (maven) Scheme() string { return "maven" }
func (maven) Parse(v string) (Version, error) {
	return parseWith("maven", v, parseMaven, mvnv.Version.Compare)
}

func parseMaven(s string) (mvnv.Version, error) {
	if strings.TrimSpace(s) == "" {
		return mvnv.Version{}, errors.New("empty")
	}
	return mvnv.NewVersion(s)
}

// npm is node-semver's version ordering.
type npm struct{}

func (npm) Scheme() string { return "npm" }
func (npm) Parse(v string) (Version, error) {
	return parseWith("npm", v, npmv.NewVersion, npmv.Version.Compare)
}
