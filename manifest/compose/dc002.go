package compose

import (
	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var dc002 = Rule{
	Rule: manifest.Rule{
		ID: "DC002", Version: 1, Severity: finding.SeverityCritical,
		Title: "Docker socket mounted",
		Help: "Whoever can talk to `/var/run/docker.sock` (or another runtime's socket) can start a privileged " +
			"container and own the host; mounting it read-only does not help, the API still works. Remove the mount, " +
			"or put a filtering proxy in front of the socket that allows only what the service needs.",
	},
	Check: func(s *Service, _ *Options, emit Emit) {
		for _, m := range Volumes(s) {
			if manifest.RuntimeSocket(m.Source) {
				emit(s, m.Path, s.String()+" mounts the container runtime socket "+m.Source)
			}
		}
	},
}
