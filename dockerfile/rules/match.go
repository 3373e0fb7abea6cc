package rules

import (
	"path"
	"regexp"
	"strings"

	"github.com/sluice-dev/sluice/dockerfile"
)

// runs returns every RUN with a parsed shell, ONBUILD RUN triggers included.
func runs(f *dockerfile.File) []*dockerfile.Instruction {
	var out []*dockerfile.Instruction
	for _, in := range f.Instructions {
		switch {
		case in.Cmd == "run" && in.Shell != nil:
			out = append(out, in)
		case in.Trigger != nil && in.Trigger.Cmd == "run" && in.Trigger.Shell != nil:
			t := *in.Trigger
			t.StartLine, t.EndLine = in.StartLine, in.EndLine
			out = append(out, &t)
		}
	}
	return out
}

// eachRun reports once per RUN whose commands satisfy bad.
func eachRun(p *dockerfile.Pass, bad func(*dockerfile.Instruction, *dockerfile.Command) bool, msg string) {
	for _, in := range runs(p.File) {
		for _, c := range in.Shell.Commands {
			if bad(in, c) {
				p.Report(in, "%s", msg)
				break
			}
		}
	}
}

// stageRuns returns the RUN instructions of one stage.
func stageRuns(s *dockerfile.Stage) []*dockerfile.Instruction {
	var out []*dockerfile.Instruction
	for _, in := range s.Instructions {
		if in.Cmd == "run" && in.Shell != nil {
			out = append(out, in)
		}
	}
	return out
}

// finalChain returns the final stage and the stages it is built FROM, final first.
func finalChain(f *dockerfile.File) []*dockerfile.Stage {
	var out []*dockerfile.Stage
	for s := f.FinalStage(); s != nil && len(out) <= len(f.Stages); s = f.BaseStage(s) {
		out = append(out, s)
	}
	return out
}

// hasCacheMount reports whether a RUN mounts a cache (or tmpfs) at a path
// under one of dirs: then nothing written there stays in the layer.
func hasCacheMount(in *dockerfile.Instruction, dirs ...string) bool {
	for _, m := range in.FlagValues("mount") {
		typ, target := "", ""
		for _, kv := range strings.Split(m, ",") {
			k, v, _ := strings.Cut(kv, "=")
			switch strings.ToLower(k) {
			case "type":
				typ = v
			case "target", "dst", "destination":
				target = v
			}
		}
		if typ != "cache" && typ != "tmpfs" {
			continue
		}
		for _, d := range dirs {
			if strings.HasPrefix(strings.TrimSuffix(target, "/"), strings.TrimSuffix(d, "/")) ||
				strings.HasPrefix(strings.TrimSuffix(d, "/"), strings.TrimSuffix(target, "/")) {
				return true
			}
		}
	}
	return false
}

// removes reports whether the script runs `rm` on a path under dir.
func removes(s *dockerfile.Script, dir string) bool {
	dir = strings.TrimSuffix(dir, "/")
	for _, c := range s.Commands {
		if !c.Is("rm") {
			continue
		}
		for _, a := range c.Words() {
			if strings.HasPrefix(a, dir) {
				return true
			}
		}
	}
	return false
}

// installArgs returns the package arguments of an install command of the
// given package manager, and whether c is one.
func installArgs(c *dockerfile.Command, prog string, subs []string, withValue ...string) ([]string, bool) {
	if !c.Is(prog) {
		return nil, false
	}
	words := c.Words(withValue...)
	for i, w := range words {
		for _, s := range subs {
			if w == s {
				return words[i+1:], true
			}
		}
		break
	}
	return nil, false
}

// aptInstall returns the packages of `apt-get install`.
func aptInstall(c *dockerfile.Command) ([]string, bool) {
	if c.HasFlag("s", "simulate", "dry-run", "just-print", "recon", "no-act") {
		return nil, false // only simulates
	}
	return installArgs(c, "apt-get", []string{"install"}, "t", "target-release", "o", "option", "c", "config-file")
}

// yumInstall returns the packages of `install` or `reinstall` of yum or of
// a manager that takes yum's options (dnf, microdnf): progs names which, and
// ok says whether c is one.
func yumInstall(c *dockerfile.Command, progs ...string) (pkgs []string, ok bool) {
	if !c.Is(progs...) {
		return nil, false
	}
	return installArgs(c, c.Prog(), []string{"install", "reinstall"},
		"c", "config", "setopt", "releasever", "installroot", "enablerepo", "disablerepo", "repo", "repoid", "x", "exclude")
}

// rpmPinned reports whether an rpm package argument names a version
// (name-1.2), is a file or URL, or is a variable.
func rpmPinned(pkg string) bool {
	if strings.ContainsAny(pkg, "$/=<>") || strings.HasSuffix(pkg, ".rpm") || strings.HasPrefix(pkg, "@") {
		return true
	}
	for i := 0; i+1 < len(pkg); i++ {
		if pkg[i] == '-' && pkg[i+1] >= '0' && pkg[i+1] <= '9' {
			return true
		}
	}
	return false
}

// ImageRef is a parsed image reference.
type imageRef struct {
	Registry, Repo, Tag, Digest string
}

// parseImage splits an image reference; registry is "" for Docker Hub names.
func parseImage(s string) imageRef {
	var r imageRef
	if i := strings.Index(s, "@"); i >= 0 {
		r.Digest = s[i+1:]
		s = s[:i]
	}
	if i := strings.LastIndex(s, ":"); i >= 0 && !strings.Contains(s[i:], "/") {
		r.Tag = s[i+1:]
		s = s[:i]
	}
	if i := strings.Index(s, "/"); i >= 0 {
		first := s[:i]
		if strings.ContainsAny(first, ".:") || first == "localhost" {
			r.Registry = first
			s = s[i+1:]
		}
	}
	r.Repo = s
	return r
}

// baseImage returns the image a stage starts from with variables expanded,
// and ok false for scratch, earlier stages and unresolved variables.
func baseImage(f *dockerfile.File, s *dockerfile.Stage) (string, bool) {
	img := s.ImageExpanded
	if img == "" || strings.EqualFold(img, "scratch") || strings.Contains(img, "$") {
		return "", false
	}
	if f.BaseStage(s) != nil {
		return "", false
	}
	return img, true
}

// registryAllowed matches a registry against a list of names or patterns
// (path.Match syntax: *.gcr.io). Docker Hub images match docker.io.
func registryAllowed(reg string, allowed []string) bool {
	if reg == "" {
		reg = "docker.io"
	}
	for _, a := range allowed {
		a = strings.ToLower(strings.TrimSpace(a))
		if a == "hub.docker.com" || a == "index.docker.io" || a == "registry-1.docker.io" {
			a = "docker.io"
		}
		if ok, _ := path.Match(a, strings.ToLower(reg)); ok || a == strings.ToLower(reg) {
			return true
		}
	}
	return false
}

var varRef = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)`)

// refs returns the variable names a word refers to.
func refs(s string) []string {
	var out []string
	for _, m := range varRef.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

// isRoot reports whether a USER value is root.
func isRoot(user string) bool {
	u, _, _ := strings.Cut(strings.TrimSpace(user), ":")
	return u == "root" || u == "0"
}

// unquote strips one pair of surrounding quotes.
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}

// isAbs reports whether a container path is absolute (POSIX or Windows), or
// starts with a variable that may hold an absolute path.
func isAbs(p string) bool {
	p = unquote(p)
	if strings.HasPrefix(p, "/") || strings.HasPrefix(p, "$") {
		return true
	}
	if len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/') {
		return true
	}
	return false
}

// copySources returns the sources and destination of COPY/ADD.
func copySources(in *dockerfile.Instruction) (srcs []string, dest string) {
	if len(in.Args) < 2 {
		return nil, ""
	}
	return in.Args[:len(in.Args)-1], in.Args[len(in.Args)-1]
}

var archiveExt = []string{".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tbz2", ".tb2", ".zip", ".z", ".tz", ".tar.xz", ".txz", ".tar.zst", ".tar.lz", ".tar.lzma", ".tlz", ".gz", ".bz2", ".xz", ".zst", ".lz", ".lzma"}

func isArchive(p string) bool {
	p = strings.ToLower(unquote(p))
	for _, e := range archiveExt {
		if strings.HasSuffix(p, e) {
			return true
		}
	}
	return false
}

func isURL(s string) bool {
	s = strings.ToLower(unquote(s))
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "git@") ||
		strings.HasPrefix(s, "git://") || strings.HasPrefix(s, "ssh://")
}

// imageLabel names a stage's base image as written, with its expansion
// when variables were substituted: "golang:${GO} (golang:1.22)".
func imageLabel(s *dockerfile.Stage) string {
	if s.ImageExpanded != "" && s.ImageExpanded != s.Image {
		return s.Image + " (" + s.ImageExpanded + ")"
	}
	return s.Image
}
