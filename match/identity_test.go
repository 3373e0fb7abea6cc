package match

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/vulndb"
)

func TestIdentify(t *testing.T) {
	deb12 := &inventory.Distro{ID: "debian", VersionID: "12"}
	tests := []struct {
		name   string
		pkg    inventory.Package
		distro *inventory.Distro
		want   Identity
	}{
		{"debian source package and version", inventory.Package{Name: "libssl3", Version: "3.0.11-1~deb12u2+b1", Ecosystem: "Debian", Source: &inventory.SourcePackage{Name: "openssl", Version: "3.0.11-1~deb12u2"}}, deb12,
			Identity{"Debian:12", "openssl", "3.0.11-1~deb12u2", "source package of libssl3"}},
		{"debian point release", inventory.Package{Name: "bash", Version: "5.2.15-2+b2", Ecosystem: "Debian"}, &inventory.Distro{VersionID: "12.5"},
			Identity{"Debian:12", "bash", "5.2.15-2+b2", ""}},
		{"debian codename only", inventory.Package{Name: "bash", Version: "5.2.15-2", Ecosystem: "Debian"}, &inventory.Distro{ID: "debian", Codename: "trixie"},
			Identity{"Debian:13", "bash", "5.2.15-2", ""}},
		{"alpine origin and branch", inventory.Package{Name: "libcrypto3", Version: "3.1.0-r4", Ecosystem: "Alpine", Source: &inventory.SourcePackage{Name: "openssl"}}, &inventory.Distro{VersionID: "3.18.4"},
			Identity{"Alpine:v3.18", "openssl", "3.1.0-r4", "origin of libcrypto3"}},
		{"almalinux major", inventory.Package{Name: "openssl-libs", Version: "1:3.0.7-24.el9", Ecosystem: "AlmaLinux", Source: &inventory.SourcePackage{Name: "openssl"}}, &inventory.Distro{VersionID: "9.3"},
			Identity{"AlmaLinux:9", "openssl-libs", "1:3.0.7-24.el9", ""}},
		{"go stdlib", inventory.Package{Name: "stdlib", Version: "go1.21.3", Ecosystem: "Go", Type: "go-stdlib"}, nil,
			Identity{"Go", "stdlib", "go1.21.3", "Go standard library"}},
		{"pypi normalised", inventory.Package{Name: "Typing_Extensions", Version: "4.0.0", Ecosystem: "PyPI"}, nil,
			Identity{"PyPI", "typing-extensions", "4.0.0", ""}},
		{"maven group from purl", inventory.Package{Name: "log4j-core", Version: "2.14.1", Ecosystem: "Maven", PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}, nil,
			Identity{"Maven", "org.apache.logging.log4j:log4j-core", "2.14.1", "group from purl"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Identify(tt.pkg, tt.distro)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if _, err := Identify(inventory.Package{Name: "bash", Version: "5.2", Ecosystem: "Debian"}, nil); err == nil {
		t.Error("a Debian package without a known release was identified")
	}
}

func TestMergeAliases(t *testing.T) {
	adv := func(id string, aliases ...string) *vulndb.Advisory {
		return &vulndb.Advisory{Vulnerability: vulndb.Vulnerability{ID: id, Aliases: aliases}}
	}
	mk := func(a *vulndb.Advisory) hit { return hit{adv: a, bundle: isBundle(a)} }
	hits := []hit{
		mk(adv("GO-2023-2102", "CVE-2023-39325", "GHSA-4374-p667-p6c8")),
		mk(adv("GHSA-4374-p667-p6c8", "CVE-2023-39325")),
		mk(adv("CVE-2023-1")),
		mk(adv("DSA-1-1", "CVE-2023-1", "CVE-2023-2")), // bulletin: joins CVE-2023-1 only
		mk(adv("CVE-2023-3")),
	}
	var got [][]string
	for _, g := range mergeAliases(hits) {
		var ids []string
		for _, h := range g {
			ids = append(ids, h.adv.ID)
		}
		got = append(got, ids)
	}
	want := [][]string{{"GO-2023-2102", "GHSA-4374-p667-p6c8"}, {"CVE-2023-1", "DSA-1-1"}, {"CVE-2023-3"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := primaryID([]string{"GO-2023-2102", "GHSA-4374-p667-p6c8", "CVE-2023-39325"}); got != "CVE-2023-39325" {
		t.Errorf("primaryID = %s", got)
	}
}

func TestScoreCVSS(t *testing.T) {
	tests := []struct {
		vec  string
		want float64
	}{
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8},
		{"CVSS:3.0/AV:L/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:L", 1.8},
		{"AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3},
	}
	for _, tt := range tests {
		got, ok := ScoreCVSS(tt.vec)
		if !ok || got != tt.want {
			t.Errorf("ScoreCVSS(%s) = %v, %v; want %v", tt.vec, got, ok, tt.want)
		}
	}
	if _, ok := ScoreCVSS("garbage"); ok {
		t.Error("scored garbage")
	}
}

// fakeDB answers from a fixed map, for identity and fallback tests.
type fakeDB map[string][]vulndb.Advisory

func (f fakeDB) Lookup(_ context.Context, eco, name string) ([]vulndb.Advisory, error) {
	return f[eco+"/"+name], nil
}

func (f fakeDB) HasEcosystem(_ context.Context, eco string) (bool, error) {
	for k := range f {
		if strings.HasPrefix(k, eco+"/") {
			return true, nil
		}
	}
	return false, nil
}

func TestUbuntuLTSEcosystem(t *testing.T) {
	adv := vulndb.Advisory{Source: "osv:Ubuntu", Vulnerability: vulndb.Vulnerability{ID: "UBUNTU-CVE-2024-0001", Affected: []vulndb.Affected{{
		Package: vulndb.Package{Ecosystem: "Ubuntu:22.04:LTS", Name: "openssl"},
		Ranges:  []vulndb.Range{{Type: "ECOSYSTEM", Events: []vulndb.Event{{Introduced: "0"}, {Fixed: "3.0.2-0ubuntu1.15"}}}},
	}}}}
	db := fakeDB{"Ubuntu:22.04:LTS/openssl": {adv}}
	inv := inventory.Inventory{Distro: &inventory.Distro{ID: "ubuntu", VersionID: "22.04"}, Packages: []inventory.Package{{
		Name: "libssl3", Version: "3.0.2-0ubuntu1.10", Ecosystem: "Ubuntu", Source: &inventory.SourcePackage{Name: "openssl", Version: "3.0.2-0ubuntu1.10"},
	}}}
	res, err := Match(context.Background(), inv, db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || res.Findings[0].Rule != "UBUNTU-CVE-2024-0001" {
		t.Errorf("findings %+v, want the LTS advisory", res.Findings)
	}
}
