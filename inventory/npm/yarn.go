package npm

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// parseYarnLock reads yarn.lock: berry (YAML with __metadata) or classic v1
// (yarn's own indented format).
func parseYarnLock(ctx context.Context, data []byte) ([]pkg, error) {
	if bytes.Contains(data, []byte("\n__metadata:")) || bytes.HasPrefix(data, []byte("__metadata:")) {
		return parseYarnBerry(data)
	}
	return parseYarnClassic(ctx, data)
}

// parseYarnClassic reads blocks of the form
//
//	"@scope/a@^1.0.0", "@scope/a@^1.1.0":
//	  version "1.2.0"
func parseYarnClassic(ctx context.Context, data []byte) ([]pkg, error) {
	var (
		out  []pkg
		name string
		n    int
	)
	for line := range bytes.Lines(data) {
		n++
		if n%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		s := strings.TrimRight(string(line), "\r\n")
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if s[0] != ' ' {
			// A block header: the first spec names the package.
			name = ""
			spec, _, _ := strings.Cut(strings.TrimSuffix(s, ":"), ",")
			spec = strings.Trim(strings.TrimSpace(spec), `"`)
			if i := strings.IndexByte(spec[min(1, len(spec)):], '@'); i >= 0 {
				nm, rng := spec[:i+1], spec[i+2:]
				name = nm
				// An alias "x@npm:real@^1" installs "real".
				if rest, ok := strings.CutPrefix(rng, "npm:"); ok {
					if real, _, ok := splitNameVersion(rest); ok {
						name = real
					}
				}
			}
			continue
		}
		if name == "" {
			continue
		}
		t := strings.TrimSpace(s)
		if v, ok := strings.CutPrefix(t, "version "); ok && strings.HasPrefix(s, "  ") && !strings.HasPrefix(s, "   ") {
			v = strings.Trim(strings.TrimSpace(v), `"`)
			if validVersion(v) {
				out = append(out, pkg{name: name, version: v})
			}
		}
	}
	return out, nil
}

type berryEntry struct {
	Version    string `yaml:"version"`
	Resolution string `yaml:"resolution"`
}

// parseYarnBerry reads yarn 2+ lockfiles: keys are specs, each entry has a
// resolution "name@npm:version" (workspace:, link:, patch:, portal:, file:
// and git resolutions are not registry packages).
func parseYarnBerry(data []byte) ([]pkg, error) {
	var doc map[string]yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	var out []pkg
	for key, node := range doc {
		if key == "__metadata" {
			continue
		}
		var e berryEntry
		if err := node.Decode(&e); err != nil {
			return out, fmt.Errorf("entry %q: %w", key, err)
		}
		name, ref, ok := strings.Cut(e.Resolution, "@npm:")
		if strings.HasPrefix(e.Resolution, "@") {
			scope, rest, _ := strings.Cut(e.Resolution[1:], "@npm:")
			name, ref, ok = "@"+scope, rest, strings.Contains(e.Resolution[1:], "@npm:")
		}
		if !ok || name == "" {
			continue
		}
		v := e.Version
		if v == "" {
			v = ref
		}
		if validVersion(v) {
			out = append(out, pkg{name: name, version: v})
		}
	}
	return out, nil
}
