package manifest

import (
	"strings"
)

// Image is a container image reference split into its parts, following the
// reference grammar of the distribution project: the first path component is
// a registry when it holds a "." or ":" or is "localhost"; otherwise the
// image lives on Docker Hub.
type Image struct {
	Registry   string // docker.io when none is written
	Repository string // library/nginx for "nginx"
	Tag        string // empty when none is written
	Digest     string // sha256:… when pinned
}

// Dynamic reports whether ref is filled in at deploy time (${VAR} in
// Compose, {{ }} left from a template, a <PLACEHOLDER> to be replaced as
// CodeDeploy does with <IMAGE1_NAME>), so no policy can judge it.
func Dynamic(ref string) bool {
	return strings.Contains(ref, "${") || strings.Contains(ref, "{{") || strings.Contains(ref, "$(") ||
		strings.HasPrefix(strings.TrimSpace(ref), "<")
}

// ParseImage splits ref. ok is false for an empty or dynamic reference.
func ParseImage(ref string) (img Image, ok bool) {
	ref = strings.TrimSpace(ref)
	if ref == "" || Dynamic(ref) {
		return Image{}, false
	}
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		img.Digest = ref[i+1:]
		ref = ref[:i]
	}
	if i := strings.LastIndexByte(ref, ':'); i > strings.LastIndexByte(ref, '/') {
		img.Tag = ref[i+1:]
		ref = ref[:i]
	}
	img.Registry = "docker.io"
	if i := strings.IndexByte(ref, '/'); i >= 0 {
		first := ref[:i]
		if strings.ContainsAny(first, ".:") || first == "localhost" {
			img.Registry = first
			ref = ref[i+1:]
		}
	}
	if img.Registry == "index.docker.io" || img.Registry == "registry-1.docker.io" {
		img.Registry = "docker.io"
	}
	if img.Registry == "docker.io" && !strings.Contains(ref, "/") {
		ref = "library/" + ref
	}
	img.Repository = ref
	return img, ref != ""
}

// Name is registry/repository, the part an allowed-registry entry matches.
func (i Image) Name() string { return i.Registry + "/" + i.Repository }

// TagProblem says what is wrong with the tag of ref for the "latest or no
// tag" rules: "" when the image has a digest or a tag other than latest.
func TagProblem(ref string) string {
	img, ok := ParseImage(ref)
	if !ok || img.Digest != "" {
		return ""
	}
	switch img.Tag {
	case "":
		return "has no tag, so it means :latest"
	case "latest":
		return "uses the :latest tag"
	}
	return ""
}

// PinProblem says what is wrong with ref for the digest-pinning rules: ""
// when it has a digest or cannot be judged.
func PinProblem(ref string) string {
	if !Unpinned(ref) {
		return ""
	}
	return "is not pinned by digest"
}

// RegistryProblem says what is wrong with ref for the allowed-registry
// rules: "" when allowed is empty, ref comes from one of allowed or cannot
// be judged (see RegistryAllowed).
func RegistryProblem(ref string, allowed []string) string {
	if RegistryAllowed(ref, allowed) {
		return ""
	}
	return "is not from an allowed registry (" + strings.Join(allowed, ", ") + ")"
}

// Unpinned reports whether ref has no digest.
func Unpinned(ref string) bool {
	img, ok := ParseImage(ref)
	return ok && img.Digest == ""
}

// RegistryAllowed reports whether ref comes from one of allowed. An entry is
// a registry host ("ghcr.io") or a registry path prefix ("ghcr.io/acme"),
// matched at a path boundary; "docker.io" also covers bare names like
// "nginx". An empty list allows everything; a dynamic ref is not judged.
func RegistryAllowed(ref string, allowed []string) bool {
	if len(allowed) == 0 {
		return true
	}
	img, ok := ParseImage(ref)
	if !ok {
		return true
	}
	name := img.Name()
	for _, a := range allowed {
		a = strings.TrimSuffix(strings.TrimSpace(a), "/")
		if a == "index.docker.io" {
			a = "docker.io"
		}
		if a == "" {
			continue
		}
		if name == a || strings.HasPrefix(name, a+"/") {
			return true
		}
	}
	return false
}
