package rules

import (
	"path"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3010: A copied archive is extracted in a later RUN instead of by ADD
var dl3010 = dockerfile.Rule{
	ID:       "DL3010",
	Version:  1,
	Title:    "A copied archive is extracted in a later RUN instead of by ADD.",
	Upstream: "info",
	Severity: finding.SeverityLow,
	Why:      "COPY of a tarball followed by `tar -x` keeps the archive in one layer and its contents in another. ADD extracts a local archive in one step and one layer.",
	Bad: `FROM debian:12
COPY app.tar.gz /tmp/
RUN tar -xzf /tmp/app.tar.gz -C /opt`,
	Good: `FROM debian:12
ADD app.tar.gz /opt/`,
	Check: checkDL3010,
}

func checkDL3010(p *dockerfile.Pass) {
	for _, s := range p.File.Stages {
		extracted := extractedNames(s)
		for _, in := range s.Instructions {
			if in.Cmd != "copy" {
				continue
			}
			if _, ok := in.Flag("from"); ok {
				continue
			}
			srcs, _ := copySources(in)
			for _, src := range srcs {
				if !isArchive(src) {
					continue
				}
				base := path.Base(unquote(src))
				if extracted[base] > in.StartLine {
					p.Report(in, "%s is copied and then extracted: ADD extracts local archives", src)
					break
				}
			}
		}
	}
}

// extractedNames maps the base name of every file a tar, unzip or gunzip
// command of the stage reads to the last line where that happens.
func extractedNames(s *dockerfile.Stage) map[string]int {
	out := map[string]int{}
	for _, in := range s.Instructions {
		if in.Shell == nil {
			continue
		}
		for _, c := range in.Shell.Commands {
			if !c.Is("tar", "unzip", "gunzip") {
				continue
			}
			for _, a := range c.Args {
				out[path.Base(a)] = in.StartLine
			}
		}
	}
	return out
}
