package rules

import (
	"slices"
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3042: Avoid cache directory with `pip install --no-cache-dir <package>`
var dl3042 = dockerfile.Rule{
	ID:       "DL3042",
	Version:  1,
	Title:    "Avoid cache directory with `pip install --no-cache-dir <package>`.",
	Upstream: "warning",
	Severity: finding.SeverityMedium,
	Why:      "pip keeps every downloaded wheel in ~/.cache/pip; in an image that cache is dead weight shipped with every pull. Use --no-cache-dir, PIP_NO_CACHE_DIR, or a build cache mount.",
	Bad: `FROM python:3.12
RUN pip install flask==3.0.3`,
	Good: `FROM python:3.12
RUN pip install --no-cache-dir flask==3.0.3`,
	Check: checkDL3042,
}

func checkDL3042(p *dockerfile.Pass) {
	for _, in := range runs(p.File) {
		if hasCacheMount(in, "/root/.cache/pip", "/root/.cache") || pipCacheOff(p.File, in) {
			continue
		}
		for _, c := range in.Shell.Commands {
			if _, ok := pipInstall(c); ok && !c.HasFlag("no-cache-dir") && !slices.ContainsFunc(c.Assigns, isPipNoCacheAssign) {
				p.Report(in, "use pip install --no-cache-dir")
				break
			}
		}
	}
}

func isPipNoCacheAssign(a string) bool {
	k, v, _ := strings.Cut(a, "=")
	return k == "PIP_NO_CACHE_DIR" && v != "" && v != "0" && !strings.EqualFold(v, "false") && !strings.EqualFold(v, "off")
}

// pipCacheOff reports whether ENV PIP_NO_CACHE_DIR is set before in, in its stage.
func pipCacheOff(f *dockerfile.File, in *dockerfile.Instruction) bool {
	if in.Stage < 0 || in.Stage >= len(f.Stages) {
		return false
	}
	for _, o := range f.Stages[in.Stage].Instructions {
		if o.StartLine >= in.StartLine {
			break
		}
		if o.Cmd != "env" {
			continue
		}
		for _, pr := range o.Pairs {
			if isPipNoCacheAssign(pr.Key + "=" + pr.Value) {
				return true
			}
		}
	}
	return false
}
