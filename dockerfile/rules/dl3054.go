package rules

import (
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3054: An spdx label of the schema is not an SPDX license expression
var dl3054 = dockerfile.Rule{
	ID:       "DL3054",
	Version:  1,
	Title:    "An spdx label of the schema is not an SPDX license expression.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "A schema label of type spdx (org.opencontainers.image.licenses) must be an SPDX license identifier or expression so licence scanners can read it.",
	Bad: `FROM debian:12
LABEL org.opencontainers.image.licenses="Apache"`,
	Good: `FROM debian:12
LABEL org.opencontainers.image.licenses="Apache-2.0"`,
	Check: checkDL3054,
}

func checkDL3054(p *dockerfile.Pass) {
	checkLabels(p, "spdx", func(v string) bool { return validSPDX(v) }, "label %s is not a valid spdx: %q")
}

// spdxIDs are common SPDX license identifiers (https://spdx.org/licenses/).
var spdxIDs = func() map[string]bool {
	m := map[string]bool{}
	for _, id := range strings.Fields(`0BSD AFL-3.0 AGPL-3.0 AGPL-3.0-only AGPL-3.0-or-later Apache-1.1 Apache-2.0
		Artistic-2.0 BSD-1-Clause BSD-2-Clause BSD-2-Clause-Patent BSD-3-Clause BSD-3-Clause-Clear BSD-4-Clause BSL-1.0
		CC0-1.0 CC-BY-3.0 CC-BY-4.0 CC-BY-SA-4.0 CDDL-1.0 CDDL-1.1 CPL-1.0 ECL-2.0 EPL-1.0 EPL-2.0 EUPL-1.1 EUPL-1.2
		GPL-2.0 GPL-2.0-only GPL-2.0-or-later GPL-3.0 GPL-3.0-only GPL-3.0-or-later ISC LGPL-2.0-only LGPL-2.0-or-later
		LGPL-2.1 LGPL-2.1-only LGPL-2.1-or-later LGPL-3.0 LGPL-3.0-only LGPL-3.0-or-later MIT MIT-0 MPL-1.1 MPL-2.0
		MS-PL MS-RL NCSA OFL-1.1 OpenSSL PHP-3.01 PostgreSQL Python-2.0 Ruby SSPL-1.0 Unicode-DFS-2016 Unlicense UPL-1.0
		Vim W3C WTFPL X11 Zlib ZPL-2.1 BUSL-1.1 Elastic-2.0 Classpath-exception-2.0 LLVM-exception GCC-exception-3.1`) {
		m[strings.ToLower(id)] = true
	}
	return m
}()

// validSPDX accepts an SPDX license expression of known identifiers,
// LicenseRef-*, AND/OR/WITH and parentheses.
func validSPDX(v string) bool {
	toks := strings.Fields(strings.NewReplacer("(", " ", ")", " ").Replace(v))
	if len(toks) == 0 {
		return false
	}
	for i, t := range toks {
		if i%2 == 1 {
			if t != "AND" && t != "OR" && t != "WITH" {
				return false
			}
			continue
		}
		t = strings.TrimSuffix(t, "+")
		if !spdxIDs[strings.ToLower(t)] && !strings.HasPrefix(t, "LicenseRef-") && !strings.HasPrefix(t, "DocumentRef-") {
			return false
		}
	}
	return len(toks)%2 == 1
}
