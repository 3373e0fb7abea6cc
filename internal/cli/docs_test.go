package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/internal/testutil"
)

// docsDir is docs/cli at the repository root.
var docsDir = filepath.Join("..", "..", "docs", "cli")

// TestDocsUpToDate fails when docs/cli drifts from the commands' help;
// `go test ./internal/cli -update` rewrites it.
func TestDocsUpToDate(t *testing.T) {
	var out bytes.Buffer
	root := newRootCmd(&app{stdio: Stdio{Out: &out, Err: &out}})
	pages := docPages(root)
	for name, page := range pages {
		testutil.GoldenFile(t, filepath.Join(docsDir, name), page)
	}
	entries, err := os.ReadDir(docsDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, ok := pages[e.Name()]; ok || !strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		if testutil.Update() {
			os.Remove(filepath.Join(docsDir, e.Name()))
			continue
		}
		t.Errorf("docs/cli/%s documents no command (run `go test ./internal/cli -update`)", e.Name())
	}
}

// TestHelpComplete keeps every command's help useful: a Long description
// and examples on every documented command.
func TestHelpComplete(t *testing.T) {
	var missing []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if !documented(c) {
			return
		}
		if c.Long == "" {
			missing = append(missing, c.CommandPath()+": Long")
		}
		if c.Example == "" {
			missing = append(missing, c.CommandPath()+": Example")
		}
		for _, child := range c.Commands() {
			walk(child)
		}
	}
	walk(newRootCmd(&app{}))
	if len(missing) > 0 {
		t.Errorf("commands without help text: %v", missing)
	}
}
