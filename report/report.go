// Package report renders a finding.Result in every output format. JSON
// (sluice.report/v1) is canonical; every other format is made from the same
// Result, so nothing upstream knows about formats. Each format lives in its
// own file; docs/formats.md describes them and their limits.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"time"

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
	// Time is when the scan ran, for formats that record it (GitLab's
	// scan.start_time and end_time). The zero value means now.
	Time time.Time
	// Notify receives notes a writer adds while rendering, such as results
	// cut to fit a consumer's limits, so the caller can tell the user. Nil
	// drops them; the notes are also written into the output where the
	// format has room for them.
	Notify func(finding.Note)
}

func (o Options) now() time.Time {
	if o.Time.IsZero() {
		return time.Now().UTC()
	}
	return o.Time.UTC()
}

func (o Options) notify(n finding.Note) {
	if o.Notify != nil {
		o.Notify(n)
	}
}

// constructors lists every format; each entry builds a writer.
var constructors = map[string]func(Options) Writer{
	"json":                       func(o Options) Writer { return jsonWriter{opts: o} },
	"table":                      func(o Options) Writer { return tableWriter{opts: o} },
	"sarif":                      func(o Options) Writer { return sarifWriter{opts: o} },
	"junit":                      func(o Options) Writer { return junitWriter{opts: o} },
	"markdown":                   func(o Options) Writer { return markdownWriter{opts: o} },
	"gitlab":                     func(o Options) Writer { return gitlabWriter{opts: o} },
	"gitlab-container-scanning":  func(o Options) Writer { return gitlabWriter{opts: o, report: glContainerScanning} },
	"gitlab-dependency-scanning": func(o Options) Writer { return gitlabWriter{opts: o, report: glDependencyScanning} },
	"gitlab-secret-detection":    func(o Options) Writer { return gitlabWriter{opts: o, report: glSecretDetection} },
	"gitlab-sast":                func(o Options) Writer { return gitlabWriter{opts: o, report: glSAST} },
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

type jsonWriter struct{ opts Options }

// Write emits the canonical sluice.report/v1 document, indented, one trailing newline.
func (jw jsonWriter) Write(w io.Writer, r finding.Result) error {
	r = prepare(r, jw.opts)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
