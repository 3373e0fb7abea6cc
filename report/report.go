// Package report renders a finding.Result in every output format. JSON
// (sluice.report/v1) is canonical; every other format is made from the same
// Result, so nothing upstream knows about formats.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/sluice-dev/sluice/finding"
)

// Writer renders a result.
type Writer interface {
	Write(w io.Writer, r finding.Result) error
}

// Options tune writers. The zero value is valid.
type Options struct {
	// Color enables ANSI colour in the table format (the CLI sets it only for
	// a terminal without NO_COLOR).
	Color bool
	// ShowSecrets disables redaction of secret values in messages.
	ShowSecrets bool
}

// constructors lists every format; each entry builds a writer.
var constructors = map[string]func(Options) Writer{
	"json": func(Options) Writer { return jsonWriter{} },
}

// Formats returns the names of the supported formats, sorted.
func Formats() []string {
	names := make([]string, 0, len(constructors))
	for n := range constructors {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// New returns the writer for a format name.
func New(format string, opts Options) (Writer, error) {
	c, ok := constructors[format]
	if !ok {
		return nil, fmt.Errorf("unknown format %q (want one of %v)", format, Formats())
	}
	return c(opts), nil
}

type jsonWriter struct{}

// Write emits the canonical sluice.report/v1 document, indented, one trailing newline.
func (jsonWriter) Write(w io.Writer, r finding.Result) error {
	r.Normalize()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
