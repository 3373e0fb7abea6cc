// Package strictyaml decodes the YAML files users write for sluice
// (.sluice.yaml, .sluiceignore, .hadolint.yaml) strictly: an unknown key or a
// value of the wrong type is an error, and every error names the file and
// the line in the form editors and CI logs link: "file:line: message".
package strictyaml

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Decode decodes data into v, rejecting unknown keys. name is the file name
// used in errors. Empty input leaves v unchanged.
func Decode(name string, data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return Wrap(name, 0, err)
	}
	return nil
}

var (
	lineRE    = regexp.MustCompile(`^line (\d+): (.*)$`)
	unknownRE = regexp.MustCompile(`^field (\S+) not found in type .*$`)
)

// Wrap rewrites a yaml.v3 error as "name:line: message" lines. offset is
// added to line numbers, for documents decoded from a node of a larger file.
func Wrap(name string, offset int, err error) error {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	out := make([]string, 0, len(msgs))
	for _, m := range msgs {
		m = strings.TrimSpace(m)
		if sub := lineRE.FindStringSubmatch(m); sub != nil {
			line := 0
			fmt.Sscan(sub[1], &line)
			msg := sub[2]
			if u := unknownRE.FindStringSubmatch(msg); u != nil {
				msg = fmt.Sprintf("unknown key %q (check its spelling and the docs)", u[1])
			}
			out = append(out, fmt.Sprintf("%s:%d: %s", name, line+offset, msg))
			continue
		}
		out = append(out, name+": "+m)
	}
	return errors.New(strings.Join(out, "\n"))
}
