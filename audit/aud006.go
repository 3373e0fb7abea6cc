package audit

import (
	"fmt"
	"io/fs"

	"github.com/sluice-dev/sluice/finding"
)

var aud006 = Rule{
	ID: "AUD006", Version: 1, Severity: finding.SeverityLow,
	Title: "World-writable file or directory",
	Help: "A world-writable file can be changed by any user in the container, a world-writable directory without " +
		"the sticky bit lets any user replace others' files. Fix the mode in the Dockerfile (`chmod o-w`); " +
		"`/tmp`-like directories should carry the sticky bit (`chmod 1777`).",
	Check: func(img *Image, _ *Options, emit Emit) {
		for i := range img.Files {
			f := &img.Files[i]
			if f.Deleted || f.Mode&fs.ModeSymlink != 0 || f.Mode.Perm()&0o002 == 0 {
				continue
			}
			if f.Mode.IsDir() && f.Mode&fs.ModeSticky != 0 {
				continue
			}
			if !f.Mode.IsDir() && !f.Mode.IsRegular() {
				continue // devices, sockets, pipes
			}
			emit(fmt.Sprintf("%s is world-writable (mode %s)", f.Path, octal(f.Mode)), fileLoc(f))
		}
	},
}
