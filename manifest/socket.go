package manifest

import "path"

// runtimeSockets are the sockets of container runtimes and the directories
// holding them.
var runtimeSockets = map[string]bool{
	"/var/run/docker.sock": true, "/run/docker.sock": true, "/var/run/docker": true, "/run/docker": true,
	"/var/run/containerd/containerd.sock": true, "/run/containerd/containerd.sock": true,
	"/var/run/containerd": true, "/run/containerd": true,
	"/run/k3s/containerd/containerd.sock": true, "/run/k3s/containerd": true,
	"/var/run/crio/crio.sock": true, "/run/crio/crio.sock": true, "/var/run/crio": true, "/run/crio": true,
	"/var/run/cri-dockerd.sock": true, "/run/cri-dockerd.sock": true,
	"/var/run/podman/podman.sock": true, "/run/podman/podman.sock": true,
	"/var/run": true, "/run": true,
}

// RuntimeSocket reports whether a host path is a container runtime socket or
// a directory that holds one.
func RuntimeSocket(p string) bool {
	if p == "" {
		return false
	}
	return runtimeSockets[path.Clean(p)]
}
