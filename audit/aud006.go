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
			if f.Deleted || !worldWritable(f.Mode) {
				continue
			}
			emit(fmt.Sprintf("%s is world-writable (mode %s)", f.Path, octal(f.Mode)), fileLoc(f))
		}
	},
}

// worldWritable is true for a regular file any user may write, and for a
// directory any user may write without the sticky bit. Symlinks (always
// 0777), devices, sockets and pipes do not count.
func worldWritable(m fs.FileMode) bool {
	if m.Perm()&0o002 == 0 {
		return false
	}
	if m.IsDir() {
		return m&fs.ModeSticky == 0
	}
	return m.IsRegular()
}
