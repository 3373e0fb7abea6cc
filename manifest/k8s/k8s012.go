package k8s

import (
	"fmt"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
)

var k8s012 = Rule{
	Rule: manifest.Rule{
		ID: "K8S012", Version: 1, Severity: finding.SeverityCritical,
		Title: "Container runtime socket mounted",
		Help: "Whoever can talk to the container runtime's socket (Docker, containerd, CRI-O) can start a privileged " +
			"container and own the node. Do not mount it (`hostPath` of `/var/run/docker.sock`, " +
			"`/run/containerd/containerd.sock`, `/var/run/crio/crio.sock` or their directories); build images with a " +
			"daemonless builder instead.",
	},
	Check: func(s *Set, _ *Options, emit Emit) {
		for _, w := range s.Workloads {
			for i, v := range w.Spec.Volumes {
				if v.HostPath == nil {
					continue
				}
				if manifest.RuntimeSocket(v.HostPath.Path) {
					emit(w.Object, w.Path("volumes", i, "hostPath", "path"), fmt.Sprintf("%s volume %q mounts the container runtime socket %s from the node", w, v.Name, v.HostPath.Path))
				}
			}
		}
	},
}
