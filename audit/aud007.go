package audit

import (
	"fmt"
	"path"
	"strings"

	"github.com/sluice-dev/sluice/finding"
)

var aud007 = Rule{
	ID: "AUD007", Version: 1, Severity: finding.SeverityInfo,
	Title: "sshd, package manager or shell in the final image",
	Help: "A final image needs the application and its runtime, nothing else. An SSH server is a way in; a " +
		"package manager lets an intruder install tools; a shell makes every command injection a full shell. " +
		"Build in one stage and copy the result into a distroless or `scratch` image " +
		"(`FROM gcr.io/distroless/static` or `FROM scratch`).",
	Check: func(img *Image, _ *Options, emit Emit) {
		found := map[string][]string{}
		first := map[string]int{}
		for i := range img.Files {
			f := &img.Files[i]
			if f.Deleted || f.Mode.IsDir() {
				continue
			}
			cat := toolKind(f.Path)
			if cat == "" {
				continue
			}
			if _, ok := first[cat]; !ok {
				first[cat] = i
			}
			found[cat] = append(found[cat], f.Path)
		}
		for _, cat := range []string{"ssh server", "package manager", "shell"} {
			paths := found[cat]
			if len(paths) == 0 {
				continue
			}
			list := paths
			if len(list) > 4 {
				list = append(list[:4:4], fmt.Sprintf("and %d more", len(paths)-4))
			}
			emit(fmt.Sprintf("the final image contains a %s: %s", cat, strings.Join(list, ", ")), fileLoc(&img.Files[first[cat]]))
		}
	},
}

var tools = map[string]string{
	"sshd": "ssh server", "dropbear": "ssh server",
	"apt": "package manager", "apt-get": "package manager", "dpkg": "package manager", "apk": "package manager",
	"yum": "package manager", "dnf": "package manager", "microdnf": "package manager", "rpm": "package manager",
	"zypper": "package manager", "pacman": "package manager",
	"sh": "shell", "bash": "shell", "ash": "shell", "dash": "shell", "zsh": "shell", "ksh": "shell", "busybox": "shell",
}

// toolKind classifies an executable path: only binaries in the usual bin
// directories count.
func toolKind(p string) string {
	dir, base := path.Split(p)
	switch strings.TrimSuffix(dir, "/") {
	case "bin", "sbin", "usr/bin", "usr/sbin", "usr/local/bin", "usr/local/sbin":
		return tools[base]
	}
	return ""
}
