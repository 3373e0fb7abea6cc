package audit

import (
	"fmt"
	"io/fs"

	"github.com/sluice-dev/sluice/finding"
)

var aud005 = Rule{
	ID: "AUD005", Version: 1, Severity: finding.SeverityLow,
	Title: "setuid or setgid file",
	Help: "A setuid/setgid binary runs with its owner's privileges whoever starts it: the classic way from a " +
		"foothold to root. Remove the ones the application does not need (`chmod u-s,g-s`), or use a distroless " +
		"base that ships none; Kubernetes `allowPrivilegeEscalation: false` also neutralises them.",
	Check: func(img *Image, _ *Options, emit Emit) {
		for i := range img.Files {
			f := &img.Files[i]
			if f.Deleted || !setID(f.Mode) {
				continue
			}
			var what string
			switch {
			case f.Mode&fs.ModeSetuid != 0 && f.Mode&fs.ModeSetgid != 0:
				what = "setuid and setgid"
			case f.Mode&fs.ModeSetuid != 0:
				what = "setuid"
			default:
				what = "setgid"
			}
			emit(fmt.Sprintf("%s is %s (mode %s)", f.Path, what, octal(f.Mode)), fileLoc(f))
		}
	},
}

// setID is true for a regular file with the setuid or setgid bit.
func setID(m fs.FileMode) bool {
	return m.IsRegular() && m&(fs.ModeSetuid|fs.ModeSetgid) != 0
}
