// Package k8s checks Kubernetes objects before they are deployed: the Pod
// Security Standards exactly as the upstream admission library
// (k8s.io/pod-security-admission/policy) evaluates them for the newest
// policy version, and the K8Sxxx checks beyond them (image tags, registries,
// resources, probes, token automount, literal secrets, exposed Services,
// default-deny NetworkPolicies per namespace, RBAC wildcards and
// cluster-admin bindings, container runtime sockets). Every finding points at
// the line of the offending field.
package k8s
