// Package compose checks Compose files (compose.yaml, docker-compose.yml, as
// the Compose Specification defines them) before they are deployed:
// privileged services, the Docker socket mounted, host network and PID
// namespaces, added capabilities, no non-root user, image tag policies and
// secrets in environment. Checks have IDs DCxxx.
package compose
