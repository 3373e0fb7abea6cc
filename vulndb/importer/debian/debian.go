// Package debian imports the Debian security tracker: its advisory lists
// (data/DSA/list, data/DLA/list, data/DTSA/list) and its JSON export
// (https://security-tracker.debian.org/tracker/data/json). Both become OSV
// records per source package with the ecosystem "Debian:<version>" of the
// release codename they name.
package debian

import (
	"strings"
)

// Releases maps Debian codenames to the version numbers OSV uses in its
// ecosystem names ("Debian:11").
var Releases = map[string]string{
	"buzz": "1.1", "rex": "1.2", "bo": "1.3", "hamm": "2.0", "slink": "2.1", "potato": "2.2",
	"woody": "3.0", "sarge": "3.1", "etch": "4", "lenny": "5", "squeeze": "6", "wheezy": "7",
	"jessie": "8", "stretch": "9", "buster": "10", "bullseye": "11", "bookworm": "12",
	"trixie": "13", "forky": "14", "duke": "15",
}

// Ecosystem returns "Debian:<version>" for a codename, or "" if unknown.
// Suffixes such as "-security" or "-lts" are ignored.
func Ecosystem(codename string) string {
	c, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(codename)), "-")
	if v, ok := Releases[c]; ok {
		return "Debian:" + v
	}
	return ""
}
