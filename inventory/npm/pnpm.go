package npm

import (
	"context"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

type pnpmLockfile struct {
	LockfileVersion any                  `yaml:"lockfileVersion"`
	Packages        map[string]pnpmEntry `yaml:"packages"`
}

type pnpmEntry struct {
	Name    string `yaml:"name"`
	Version string `yaml:"version"`
}

// parsePnpmLock reads pnpm-lock.yaml. Package keys are "/name/1.0.0" (5.x),
// "/name@1.0.0(peer@2)" (6.x) or "name@1.0.0" (9.x); scoped names keep their
// "@scope/" prefix; a peer-dependency suffix "(…)" or "_…" is dropped.
func parsePnpmLock(ctx context.Context, data []byte) ([]pkg, error) {
	var lock pnpmLockfile
	if err := yaml.Unmarshal(data, &lock); err != nil {
		return nil, err
	}
	v5 := strings.IndexAny(fmt.Sprint(lock.LockfileVersion), "12345") == 0
	var out []pkg
	for key, e := range lock.Packages {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if e.Name != "" && e.Version != "" {
			if validVersion(e.Version) {
				out = append(out, pkg{name: e.Name, version: e.Version})
			}
			continue
		}
		if name, v, ok := pnpmKey(key, v5); ok {
			out = append(out, pkg{name: name, version: v})
		}
	}
	return out, nil
}

func pnpmKey(key string, v5 bool) (name, version string, ok bool) {
	if i := strings.IndexByte(key, '('); i >= 0 {
		key = key[:i]
	}
	key = strings.TrimPrefix(key, "/")
	if !v5 {
		name, version, ok = splitNameVersion(key)
	} else {
		// 5.x: /name/version or /@scope/name/version, peers after "_".
		i := strings.LastIndexByte(key, '/')
		if i <= 0 {
			return "", "", false
		}
		name, version = key[:i], key[i+1:]
		if j := strings.IndexByte(version, '_'); j >= 0 {
			version = version[:j]
		}
	}
	if name == "" || strings.Contains(name, ":") || !validVersion(version) {
		return "", "", false
	}
	return name, version, true
}
