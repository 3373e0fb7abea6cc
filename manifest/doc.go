// Package manifest loads deployment configuration — Kubernetes objects
// (multi-document YAML, List kinds, rendered Helm or Kustomize output), ECS
// task definitions (RegisterTaskDefinition input, describe output,
// CloudFormation, CodeDeploy taskdef.json) and Compose files — into YAML node
// trees that keep the line of every field, so each check can point at the
// exact line to change.
//
// The parent package holds what every platform shares: bounded parsing and
// format detection, path lookups with lines, the Rule value, the runner of
// per-unit checks (CheckEach) and the image and secret heuristics. The
// checks live in manifest/k8s, manifest/ecs and manifest/compose;
// manifest/scan runs them over a set of files.
package manifest
