package cli

import (
	"bytes"
	"strings"
	"testing"
)

func TestLineProgress(t *testing.T) {
	var buf bytes.Buffer
	p := newLineProgress(&buf, 0)
	layer := p.Task("layer 1/3", 200)
	layer.Add(50)
	db := p.Task("advisories", 0)
	db.Add(7)
	layer.Done()
	db.Done()
	out := buf.String()
	for _, want := range []string{"layer 1/3 0%", "layer 1/3 25%", "layer 1/3 25% | advisories 7", "\radvisories 7"} {
		if !strings.Contains(out, want) {
			t.Errorf("progress output %q lacks %q", out, want)
		}
	}
	if !strings.HasSuffix(out, "\r") {
		t.Errorf("progress line not erased at the end: %q", out)
	}
}

func TestReporterSilentWithoutTerminal(t *testing.T) {
	a := &app{stdio: Stdio{Err: &bytes.Buffer{}}}
	if _, ok := a.reporter().(*lineProgress); ok {
		t.Fatal("progress drawn on a non-terminal")
	}
}
