package cli

import (
	"os"
	"strings"
	"testing"
)

// TestConfigDocsCoverOptions keeps docs/config.md's option table in step with
// the option table in options.go.
func TestConfigDocsCoverOptions(t *testing.T) {
	doc, err := os.ReadFile("../../docs/config.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range options {
		row := "| `--" + o.flag + "` |"
		if !strings.Contains(string(doc), row) {
			t.Errorf("docs/config.md lacks the row for --%s", o.flag)
		}
		if o.key != "" && !strings.Contains(string(doc), "| `"+o.key+"` |") {
			t.Errorf("docs/config.md lacks the key %s", o.key)
		}
		if !strings.Contains(string(doc), envName(o.flag)) {
			t.Errorf("docs/config.md lacks %s", envName(o.flag))
		}
	}
}
