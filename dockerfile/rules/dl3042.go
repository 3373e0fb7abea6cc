package rules

import (
	"slices"
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// DL3042: pip install keeps its download cache
var dl3042 = dockerfile.Rule{
	ID:       "DL3042",
	Version:  1,
	Title:    "pip install keeps its download cache.",
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
	envLines := pipEnvLines(p.File)
	for _, in := range runs(p.File) {
		if hasCacheMount(in, "/root/.cache/pip", "/root/.cache") || pipCacheOff(envLines, in) {
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

// pipEnvLines returns, per stage, the line of its first ENV that sets
// PIP_NO_CACHE_DIR (0 for none): one pass over the file.
func pipEnvLines(f *dockerfile.File) []int {
	lines := make([]int, len(f.Stages))
	for _, s := range f.Stages {
		for _, o := range s.Instructions {
			if o.Cmd == "env" && slices.ContainsFunc(o.Pairs, func(pr dockerfile.Pair) bool { return isPipNoCacheAssign(pr.Key + "=" + pr.Value) }) {
				lines[s.Index] = o.StartLine
				break
			}
		}
	}
	return lines
}

// pipCacheOff reports whether ENV PIP_NO_CACHE_DIR is set before in, in its stage.
func pipCacheOff(envLines []int, in *dockerfile.Instruction) bool {
	return in.Stage >= 0 && in.Stage < len(envLines) && envLines[in.Stage] > 0 && envLines[in.Stage] < in.StartLine
}
