// Package osrelease detects the operating system of a target from
// os-release(5) (etc/os-release, usr/lib/os-release) and, when an image has
// none, from the older release files etc/alpine-release, etc/debian_version
// and etc/redhat-release. It reports an inventory.Distro, which the distro
// package catalogers use to qualify their purls and ecosystems.
package osrelease

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"regexp"
	"strings"

	"github.com/sluice-dev/sluice/analysis"
	"github.com/sluice-dev/sluice/internal/safeio"
	"github.com/sluice-dev/sluice/inventory"
)

// MaxSize bounds a release file; real ones are under 1 KiB.
const MaxSize = 64 << 10

// Cataloger reads os-release and the legacy release files.
type Cataloger struct{}

var _ analysis.Analyzer = (*Cataloger)(nil)

// New returns the os-release cataloger.
func New() *Cataloger { return &Cataloger{} }

// Name implements analysis.Analyzer.
func (*Cataloger) Name() string { return "os-release" }

// Version implements analysis.Analyzer.
func (*Cataloger) Version() int { return 1 }

// ranks orders the files by authority: when several are present the one with
// the highest rank decides (os-release(5): /etc/os-release overrides
// /usr/lib/os-release; the legacy files are fallbacks).
var ranks = map[string]int{
	"etc/os-release":     5,
	"usr/lib/os-release": 4,
	"etc/alpine-release": 3,
	"etc/redhat-release": 2,
	"etc/debian_version": 1,
}

// Rank tells how authoritative a release file is: when files of several
// ranks each yield a Distro, the caller keeps the one of highest rank. It is
// 0 for paths this cataloger does not read.
func Rank(path string) int { return ranks[path] }

// Wants implements analysis.Analyzer.
func (*Cataloger) Wants(path string, mode fs.FileMode, size int64) bool {
	return ranks[path] > 0 && mode&fs.ModeType == 0 && size <= MaxSize
}

// Analyze implements analysis.Analyzer.
func (c *Cataloger) Analyze(ctx context.Context, in *analysis.Input) (*analysis.Result, error) {
	data, err := safeio.ReadAll(in.Reader(), MaxSize, "release file size")
	if err != nil {
		return &analysis.Result{Notes: []string{fmt.Sprintf("read %s: %v", in.Path, err)}}, nil
	}
	var d *inventory.Distro
	switch in.Path {
	case "etc/os-release", "usr/lib/os-release":
		d = ParseOSRelease(data)
	case "etc/alpine-release":
		d = parseAlpine(data)
	case "etc/debian_version":
		d = parseDebianVersion(data)
	case "etc/redhat-release":
		d = parseRedHat(data)
	}
	if d == nil {
		return &analysis.Result{Notes: []string{fmt.Sprintf("%s: no distribution ID found", in.Path)}}, nil
	}
	return &analysis.Result{Distro: d}, nil
}

// ParseOSRelease reads the KEY=value lines of os-release(5). It returns nil
// when the file has no ID.
func ParseOSRelease(data []byte) *inventory.Distro {
	vals := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), MaxSize)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		vals[strings.TrimSpace(k)] = unquote(strings.TrimSpace(v))
	}
	if vals["ID"] == "" {
		return nil
	}
	d := &inventory.Distro{
		ID:        strings.ToLower(vals["ID"]),
		VersionID: vals["VERSION_ID"],
		Codename:  vals["VERSION_CODENAME"],
		Name:      vals["PRETTY_NAME"],
	}
	if d.Codename == "" {
		d.Codename = vals["UBUNTU_CODENAME"]
	}
	if d.Name == "" {
		d.Name = vals["NAME"]
	}
	return d
}

// unquote removes shell-style quotes and backslash escapes, as os-release(5)
// allows for values.
func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		q := v[0]
		v = v[1 : len(v)-1]
		if q == '\'' {
			return v
		}
		var b strings.Builder
		for i := 0; i < len(v); i++ {
			if v[i] == '\\' && i+1 < len(v) {
				i++
			}
			b.WriteByte(v[i])
		}
		return b.String()
	}
	return v
}

func firstLine(data []byte) string {
	line, _, _ := strings.Cut(string(data), "\n")
	return strings.TrimSpace(line)
}

func parseAlpine(data []byte) *inventory.Distro {
	v := firstLine(data)
	if v == "" {
		return nil
	}
	return &inventory.Distro{ID: "alpine", VersionID: v, Name: "Alpine Linux v" + v}
}

var debianCodenames = map[string]string{
	"7": "wheezy", "8": "jessie", "9": "stretch", "10": "buster", "11": "bullseye",
	"12": "bookworm", "13": "trixie", "14": "forky",
}

// parseDebianVersion reads etc/debian_version: "12.5" on a release,
// "bookworm/sid" on testing and unstable.
func parseDebianVersion(data []byte) *inventory.Distro {
	v := firstLine(data)
	if v == "" {
		return nil
	}
	if codename, _, ok := strings.Cut(v, "/"); ok {
		return &inventory.Distro{ID: "debian", Codename: codename, Name: "Debian GNU/Linux " + v}
	}
	major, _, _ := strings.Cut(v, ".")
	return &inventory.Distro{ID: "debian", VersionID: major, Codename: debianCodenames[major], Name: "Debian GNU/Linux " + v}
}

var redhatRelease = regexp.MustCompile(`^(.+?) release ([0-9][0-9.]*)`)

var redhatIDs = []struct{ prefix, id string }{
	{"Red Hat Enterprise Linux", "rhel"},
	{"AlmaLinux", "almalinux"},
	{"Rocky Linux", "rocky"},
	{"CentOS Stream", "centos"},
	{"CentOS", "centos"},
	{"Fedora", "fedora"},
	{"Oracle Linux", "ol"},
	{"Amazon Linux", "amzn"},
}

// parseRedHat reads etc/redhat-release, e.g.
// "AlmaLinux release 9.3 (Shamrock Pink Serval)".
func parseRedHat(data []byte) *inventory.Distro {
	line := firstLine(data)
	m := redhatRelease.FindStringSubmatch(line)
	if m == nil {
		return nil
	}
	for _, r := range redhatIDs {
		if strings.HasPrefix(m[1], r.prefix) {
			return &inventory.Distro{ID: r.id, VersionID: m[2], Name: line}
		}
	}
	return nil
}
