package audit

import (
	"fmt"

	"github.com/sluice-dev/sluice/finding"
)

var aud010 = Rule{
	ID: "AUD010", Version: 1, Severity: finding.SeverityLow,
	Title: "Image older than the allowed age",
	Help: "An image built long ago carries every vulnerability fixed in its base since. Rebuild regularly (a " +
		"scheduled CI build picks up patched bases). The age is read from the config's `created` time; runs only " +
		"when a maximum age is configured.",
	Enabled: func(o *Options) bool { return o.MaxAge > 0 },
	Check: func(img *Image, o *Options, emit Emit) {
		created := img.Config.Created.Time
		if created.IsZero() || created.Unix() <= 0 {
			emit("the image has no creation time (reproducible builds set it to the epoch): its age is unknown", finding.Location{}, configField("created"))
			return
		}
		age := o.now().Sub(created)
		if age > o.MaxAge {
			emit(fmt.Sprintf("the image was built %d days ago (%s), more than the allowed %d days",
				int(age.Hours()/24), created.UTC().Format("2006-01-02"), int(o.MaxAge.Hours()/24)), finding.Location{}, configField("created"))
		}
	},
}
