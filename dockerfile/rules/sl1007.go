package rules

import (
	"path"
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/finding"
)

// SL1007: The base image is not on the allowed base image list
var sl1007 = dockerfile.Rule{
	ID:       "SL1007",
	Version:  1,
	Title:    "The base image is not on the allowed base image list.",
	Severity: finding.SeverityHigh,
	Why:      "Organisations that maintain hardened, scanned and patched base images need every build to start from one of them; a FROM outside the list silently opts out of that patching and review. Configure allowed bases (--allowed-base or lint.allowed-bases, path patterns such as `docker.io/library/debian` or `registry.example.com/base/*`) to enable the check; registries alone are checked by DL3026.",
	Bad: `# allowed-bases: [registry.example.com/base/*]
FROM node:20.14`,
	Good:  "FROM registry.example.com/base/node:20.14",
	Check: checkSL1007,
}

func checkSL1007(p *dockerfile.Pass) {
	if len(p.Opts.AllowedBases) == 0 {
		return
	}
	for _, s := range p.File.Stages {
		img, ok := baseImage(p.File, s)
		if !ok {
			continue
		}
		if !baseAllowed(img, p.Opts.AllowedBases) {
			p.Report(s.From, "base image %s is not on the allowed list", imageLabel(s))
		}
	}
}

// normalizeImage returns registry/repository with Docker Hub's implicit
// docker.io and library/ made explicit.
func normalizeImage(img string) (name string, r imageRef) {
	r = parseImage(img)
	reg, repo := r.Registry, r.Repo
	if reg == "" || reg == "index.docker.io" || reg == "registry-1.docker.io" {
		reg = "docker.io"
		if !strings.Contains(repo, "/") {
			repo = "library/" + repo
		}
	}
	return reg + "/" + repo, r
}

func baseAllowed(img string, allowed []string) bool {
	name, r := normalizeImage(img)
	cands := []string{name}
	if r.Tag != "" {
		cands = append(cands, name+":"+r.Tag)
	}
	for _, a := range allowed {
		pat, _ := normalizeImage(strings.TrimSpace(a))
		if strings.HasSuffix(a, "*") {
			pat = strings.TrimSpace(a)
			if !strings.Contains(strings.SplitN(pat, "/", 2)[0], ".") {
				pat = "docker.io/" + pat
			}
		}
		for _, c := range cands {
			if ok, _ := path.Match(pat, c); ok || c == strings.TrimSpace(a) {
				return true
			}
			if ok, _ := path.Match(strings.TrimSpace(a), c); ok {
				return true
			}
		}
	}
	return false
}
