package python

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"
)

// pin matches "name==version" and "name[extras] == version" at the start of
// a requirement line (PEP 508); other specifiers are not pins.
var pin = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*===?\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*)\s*(?:;.*)?$`)

// parseRequirements reads pip requirements files, keeping exact pins.
// Options (-r, -e, --hash), URLs and ranges are skipped.
func parseRequirements(ctx context.Context, data []byte) ([]pkg, error) {
	var out []pkg
	// Join backslash continuations first.
	text := strings.ReplaceAll(string(data), "\\\r\n", " ")
	text = strings.ReplaceAll(text, "\\\n", " ")
	for i, line := range strings.Split(text, "\n") {
		if i%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if j := strings.Index(line, " #"); j >= 0 {
			line = line[:j]
		}
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == '-' {
			continue
		}
		// Per-requirement options such as --hash follow the specifier.
		if j := strings.Index(line, " --"); j >= 0 {
			line = strings.TrimSpace(line[:j])
		}
		if m := pin.FindStringSubmatch(line); m != nil && !strings.Contains(m[2], "*") {
			out = append(out, pkg{name: m[1], version: m[2]})
		}
	}
	return out, nil
}

// tomlLock covers poetry.lock and uv.lock: both list [[package]] tables with
// name and version; uv marks the project itself and path dependencies by
// their source (editable, virtual, directory, path).
type tomlLock struct {
	Package []struct {
		Name    string         `toml:"name"`
		Version string         `toml:"version"`
		Source  map[string]any `toml:"source"`
	} `toml:"package"`
}

func parseTOMLLock(data []byte, uv bool) ([]pkg, error) {
	var lock tomlLock
	if _, err := toml.Decode(string(data), &lock); err != nil {
		return nil, err
	}
	var out []pkg
	for _, p := range lock.Package {
		if uv {
			if _, local := p.Source["editable"]; local {
				continue
			}
			if _, local := p.Source["virtual"]; local {
				continue
			}
			if _, local := p.Source["directory"]; local {
				continue
			}
			if _, local := p.Source["path"]; local {
				continue
			}
		}
		// poetry marks non-registry packages with a [package.source] of type
		// directory, file or git; a git commit is not a PyPI version.
		if t, _ := p.Source["type"].(string); t == "directory" || t == "file" || t == "git" {
			continue
		}
		out = append(out, pkg{name: p.Name, version: p.Version})
	}
	return out, nil
}

// pipfileLockFile is Pipfile.lock: "default" and "develop" map names to
// {"version": "==1.2.3", ...}.
type pipfileLockFile struct {
	Meta    json.RawMessage `json:"_meta"`
	Default map[string]struct {
		Version string `json:"version"`
	} `json:"default"`
	Develop map[string]struct {
		Version string `json:"version"`
	} `json:"develop"`
}

func parsePipfileLock(data []byte) ([]pkg, error) {
	var lock pipfileLockFile
	if err := json.Unmarshal(data, &lock); err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(lock.Meta)) == 0 {
		return nil, fmt.Errorf("no _meta section: not a Pipfile.lock")
	}
	var out []pkg
	for _, group := range []map[string]struct {
		Version string `json:"version"`
	}{lock.Default, lock.Develop} {
		for name, d := range group {
			if v, ok := strings.CutPrefix(d.Version, "=="); ok {
				out = append(out, pkg{name: name, version: v})
			}
		}
	}
	return out, nil
}
