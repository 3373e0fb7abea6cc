package match

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/version"
	"github.com/sluice-dev/sluice/vulndb"
)

func ev(kind, v string) vulndb.Event {
	switch kind {
	case "i":
		return vulndb.Event{Introduced: v}
	case "f":
		return vulndb.Event{Fixed: v}
	case "l":
		return vulndb.Event{LastAffected: v}
	}
	return vulndb.Event{Limit: v}
}

// semverOrder is the ordering of SEMVER ranges.
var semverOrder, _ = version.For(vulndb.RangeSemver)

func TestEvaluate(t *testing.T) {
	rng := func(typ string, e ...vulndb.Event) vulndb.Range { return vulndb.Range{Type: typ, Events: e} }
	tests := []struct {
		name    string
		eco     string
		aff     vulndb.Affected
		v       string
		want    bool
		wantFix []string
		wantWhy string
	}{
		{"below fix", "PyPI", vulndb.Affected{Ranges: []vulndb.Range{rng("ECOSYSTEM", ev("i", "0"), ev("f", "2.31.0"))}}, "2.25.0", true, []string{"2.31.0"}, "ECOSYSTEM range introduced 0, fixed 2.31.0"},
		{"at fix", "PyPI", vulndb.Affected{Ranges: []vulndb.Range{rng("ECOSYSTEM", ev("i", "0"), ev("f", "2.31.0"))}}, "2.31.0", false, nil, ""},
		{"before introduced", "PyPI", vulndb.Affected{Ranges: []vulndb.Range{rng("ECOSYSTEM", ev("i", "2.0"), ev("f", "2.31.0"))}}, "1.9", false, nil, ""},
		{"pep440 pre-release of fix is affected", "PyPI", vulndb.Affected{Ranges: []vulndb.Range{rng("ECOSYSTEM", ev("i", "0"), ev("f", "2.0"))}}, "2.0rc1", true, []string{"2.0"}, "ECOSYSTEM range introduced 0, fixed 2.0"},
		{"last_affected inclusive", "npm", vulndb.Affected{Ranges: []vulndb.Range{rng("ECOSYSTEM", ev("i", "0"), ev("l", "1.5.1"))}}, "1.5.1", true, nil, "ECOSYSTEM range introduced 0, last_affected 1.5.1"},
		{"after last_affected", "npm", vulndb.Affected{Ranges: []vulndb.Range{rng("ECOSYSTEM", ev("i", "0"), ev("l", "1.5.1"))}}, "1.5.2", false, nil, ""},
		{"second interval", "Go", vulndb.Affected{Ranges: []vulndb.Range{rng("SEMVER", ev("i", "0"), ev("f", "0.17.0"), ev("i", "0.18.0"), ev("f", "0.18.1"))}}, "v0.18.0", true, []string{"0.18.1"}, "SEMVER range introduced 0.18.0, fixed 0.18.1"},
		{"between intervals", "Go", vulndb.Affected{Ranges: []vulndb.Range{rng("SEMVER", ev("i", "0"), ev("f", "0.17.0"), ev("i", "0.18.0"), ev("f", "0.18.1"))}}, "v0.17.5", false, nil, ""},
		{"events unsorted", "Go", vulndb.Affected{Ranges: []vulndb.Range{rng("SEMVER", ev("f", "0.18.1"), ev("i", "0.18.0"), ev("f", "0.17.0"), ev("i", "0"))}}, "v0.18.0", true, []string{"0.18.1"}, "SEMVER range introduced 0.18.0, fixed 0.18.1"},
		{"go pseudo-version below fix", "Go", vulndb.Affected{Ranges: []vulndb.Range{rng("SEMVER", ev("i", "0"), ev("f", "0.0.0-20220314234659-1baeb1ce4c0b"))}}, "v0.0.0-20211202192323-5770296d904e", true, []string{"0.0.0-20220314234659-1baeb1ce4c0b"}, "SEMVER range introduced 0, fixed 0.0.0-20220314234659-1baeb1ce4c0b"},
		{"limit bounds", "Go", vulndb.Affected{Ranges: []vulndb.Range{rng("SEMVER", ev("i", "1.0.0"), ev("lim", "1.5.0"))}}, "v1.6.0", false, nil, ""},
		{"below limit", "Go", vulndb.Affected{Ranges: []vulndb.Range{rng("SEMVER", ev("i", "1.0.0"), ev("lim", "1.5.0"))}}, "v1.2.0", true, nil, "SEMVER range introduced 1.0.0, no fix"},
		{"versions list", "PyPI", vulndb.Affected{Versions: []string{"1.0", "1.1"}}, "1.1", true, nil, "version 1.1 is listed in the advisory's affected versions"},
		{"git range ignored", "PyPI", vulndb.Affected{Ranges: []vulndb.Range{rng("GIT", ev("i", "0"), ev("f", "abcdef"))}}, "1.0", false, nil, ""},
		{"deb epoch", "Debian:11", vulndb.Affected{Ranges: []vulndb.Range{rng("ECOSYSTEM", ev("i", "0"), ev("f", "2:1.20.11-1+deb11u6"))}}, "2:1.20.11-1+deb11u5", true, []string{"2:1.20.11-1+deb11u6"}, "ECOSYSTEM range introduced 0, fixed 2:1.20.11-1+deb11u6"},
		{"deb no epoch is lower", "Debian:11", vulndb.Affected{Ranges: []vulndb.Range{rng("ECOSYSTEM", ev("i", "0"), ev("f", "1:1.0-1"))}}, "9.9-1", true, []string{"1:1.0-1"}, "ECOSYSTEM range introduced 0, fixed 1:1.0-1"},
		{"rpm epoch fixed", "AlmaLinux:9", vulndb.Affected{Ranges: []vulndb.Range{rng("ECOSYSTEM", ev("i", "0"), ev("f", "1:3.0.7-25.el9_3"))}}, "1:3.0.7-24.el9", true, []string{"1:3.0.7-25.el9_3"}, "ECOSYSTEM range introduced 0, fixed 1:3.0.7-25.el9_3"},
		{"apk revision fixed", "Alpine:v3.18", vulndb.Affected{Ranges: []vulndb.Range{rng("ECOSYSTEM", ev("i", "0"), ev("f", "3.1.0-r4"))}}, "3.1.0-r4", false, nil, ""},
		{"open (no fix)", "Debian:12", vulndb.Affected{Ranges: []vulndb.Range{rng("ECOSYSTEM", ev("i", "0"))}}, "3.0.11-1~deb12u2", true, nil, "ECOSYSTEM range introduced 0, no fix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := version.For(tt.eco)
			if err != nil {
				t.Fatal(err)
			}
			got, err := evaluate(&tt.aff, tt.v, c, semverOrder)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]any{tt.want, tt.wantFix, tt.wantWhy}, []any{got.affected, got.fixed, got.why}); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestEvaluateBadVersions(t *testing.T) {
	c, _ := version.For("PyPI")
	aff := vulndb.Affected{Ranges: []vulndb.Range{{Type: "ECOSYSTEM", Events: []vulndb.Event{{Introduced: "0"}, {Fixed: "not a version!"}}}}}
	if _, err := evaluate(&aff, "1.0", c, semverOrder); err == nil {
		t.Error("a range with an unparsable fixed version evaluated without error")
	}
}
