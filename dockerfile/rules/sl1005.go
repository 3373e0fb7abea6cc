package rules

import (
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// SL1005: ADD downloads a remote file without --checksum
var sl1005 = dockerfile.Rule{
	ID:       "SL1005",
	Version:  1,
	Title:    "ADD downloads a remote file without --checksum.",
	Severity: finding.SeverityMedium,
	Why:      "ADD of an http(s) URL fetches whatever the server returns at build time, with no integrity check: a compromised server or a changed release silently changes the image. BuildKit verifies `ADD --checksum=sha256:\u2026` (Dockerfile syntax 1.6+); without it, download with curl and verify the hash yourself.",
	Bad: `FROM debian:12
ADD https://example.com/tool-1.2.tar.gz /tmp/`,
	Good: `FROM debian:12
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool-1.2.tar.gz /tmp/`,
	Check: checkSL1005,
}

func checkSL1005(p *dockerfile.Pass) {
	for _, in := range p.File.Instructions {
		if in.Cmd != "add" {
			continue
		}
		if _, ok := in.Flag("checksum"); ok {
			continue
		}
		srcs, _ := copySources(in)
		for _, s := range srcs {
			l := strings.ToLower(unquote(s))
			if strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://") {
				p.Report(in, "ADD %s without --checksum", s)
				break
			}
		}
	}
}
