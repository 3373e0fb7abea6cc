package safeio

import (
	"fmt"
	"path"
	"strings"
)

// MaxSymlinkHops bounds symlink resolution like the kernel's ELOOP limit.
const MaxSymlinkHops = 40

// CleanPath turns an archive entry name into a clean, slash-separated path
// relative to the root, without a leading slash. Leading "/" and "./" are
// dropped (tar files store both). A path that climbs out of the root ("..")
// or is too long is an error: such an entry is reported, never written or
// followed.
func CleanPath(name string) (string, error) {
	if len(name) > MaxPathLength {
		return "", &LimitError{What: "path length", Limit: MaxPathLength}
	}
	if strings.ContainsRune(name, 0) {
		return "", fmt.Errorf("path %q contains a NUL byte", name)
	}
	p := strings.ReplaceAll(name, "\\", "/")
	p = strings.TrimLeft(p, "/")
	depth := 0
	for _, part := range strings.Split(p, "/") {
		switch part {
		case "", ".":
		case "..":
			depth--
			if depth < 0 {
				return "", fmt.Errorf("path %q escapes the root", name)
			}
		default:
			depth++
		}
	}
	p = path.Clean("/" + p)[1:]
	return p, nil
}

// LinkReader tells whether a path in a virtual root is a symlink, and its target.
type LinkReader func(p string) (target string, isLink bool)

// Resolve follows symlinks in p, component by component, inside a virtual
// root: ".." never climbs above the root and absolute targets are relative to
// the root, as they are inside a container. It returns the clean resolved path
// (which need not exist) or an error on a symlink loop.
func Resolve(p string, readLink LinkReader) (string, error) {
	clean, err := CleanPath(p)
	if err != nil {
		return "", err
	}
	pending := splitPath(clean)
	var done []string
	hops := 0
	for len(pending) > 0 {
		part := pending[0]
		pending = pending[1:]
		switch part {
		case "", ".":
			continue
		case "..":
			if len(done) > 0 {
				done = done[:len(done)-1]
			}
			continue
		}
		cur := strings.Join(append(done, part), "/")
		target, isLink := readLink(cur)
		if !isLink {
			done = append(done, part)
			continue
		}
		hops++
		if hops > MaxSymlinkHops {
			return "", fmt.Errorf("resolve %q: too many levels of symbolic links", p)
		}
		if len(target) > MaxPathLength {
			return "", &LimitError{What: "symlink target length", Limit: MaxPathLength}
		}
		if strings.HasPrefix(target, "/") {
			done = done[:0]
		}
		pending = append(splitPath(target), pending...)
	}
	return strings.Join(done, "/"), nil
}

func splitPath(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return r == '/' })
}
