package npm

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sluice-dev/sluice/internal/safeio"
)

// packageLock is package-lock.json / npm-shrinkwrap.json: "packages" keyed
// by install path (v2, v3) and the nested "dependencies" tree (v1, and v2
// for older npm).
type packageLock struct {
	LockfileVersion int                       `json:"lockfileVersion"`
	Packages        map[string]lockPackage    `json:"packages"`
	Dependencies    map[string]lockDependency `json:"dependencies"`
}

type lockPackage struct {
	Name    string          `json:"name"`
	Version string          `json:"version"`
	License json.RawMessage `json:"license"`
	Link    bool            `json:"link"`
}

type lockDependency struct {
	Version      string                    `json:"version"`
	Bundled      bool                      `json:"bundled"`
	Dependencies map[string]lockDependency `json:"dependencies"`
}

func parsePackageLock(ctx context.Context, data []byte) ([]pkg, error) {
	var lock packageLock
	if err := json.Unmarshal(data, &lock); err != nil {
		return nil, err
	}
	var out []pkg
	if len(lock.Packages) > 0 {
		for p, e := range lock.Packages {
			i := strings.LastIndex(p, "node_modules/")
			if p == "" || i < 0 || e.Link {
				continue // the root project, a workspace member, or a link to one
			}
			name := p[i+len("node_modules/"):]
			if e.Name != "" {
				name = e.Name // an alias ("x": "npm:real@1") installs the real package
			}
			if !validVersion(e.Version) {
				continue
			}
			out = append(out, pkg{name: name, version: e.Version, license: license(e.License)})
		}
		return out, nil
	}
	count := safeio.Counter{What: "dependency tree nodes", Max: safeio.MaxEntries}
	var walk func(deps map[string]lockDependency, depth int) error
	walk = func(deps map[string]lockDependency, depth int) error {
		if depth > safeio.MaxDepth {
			return &safeio.LimitError{What: "dependency nesting", Limit: safeio.MaxDepth}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		for name, d := range deps {
			if err := count.Inc(); err != nil {
				return err
			}
			v := d.Version
			// v1 writes aliases as "npm:real@version".
			if rest, ok := strings.CutPrefix(v, "npm:"); ok {
				if n, ver, ok := splitNameVersion(rest); ok {
					name, v = n, ver
				}
			}
			if validVersion(v) {
				out = append(out, pkg{name: name, version: v})
			}
			if err := walk(d.Dependencies, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(lock.Dependencies, 0); err != nil {
		return out, err
	}
	if lock.LockfileVersion == 0 && len(out) == 0 {
		return nil, fmt.Errorf("no lockfileVersion, packages or dependencies: not a package lock")
	}
	return out, nil
}

// validVersion rejects the non-registry forms a lockfile version can take:
// file:, link:, git URLs and tarball URLs.
func validVersion(v string) bool {
	return v != "" && !strings.ContainsAny(v, ":/ ")
}

// license reads "MIT", {"type": "MIT"} or [{"type": "MIT"}, ...] (old
// package.json forms).
func license(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var obj struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(raw, &obj) == nil {
		return obj.Type
	}
	var list []struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(raw, &list) == nil {
		var types []string
		for _, l := range list {
			if l.Type != "" {
				types = append(types, l.Type)
			}
		}
		if len(types) > 1 {
			return "(" + strings.Join(types, " OR ") + ")"
		}
		return strings.Join(types, "")
	}
	return ""
}

// manifest is an installed package's package.json.
type manifest struct {
	Name     string          `json:"name"`
	Version  string          `json:"version"`
	License  json.RawMessage `json:"license"`
	Licenses json.RawMessage `json:"licenses"`
}

func parseManifest(data []byte) (*pkg, error) {
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	if m.Name == "" || m.Version == "" {
		return nil, fmt.Errorf("package.json without name or version")
	}
	l := license(m.License)
	if l == "" {
		l = license(m.Licenses)
	}
	return &pkg{name: m.Name, version: m.Version, license: l}, nil
}
