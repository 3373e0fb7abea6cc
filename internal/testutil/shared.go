package testutil

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// SharedDir returns the path of parts under the shared data directory
// ($SLUICE_SHARED_DIR, or shared/ beside the checkout), and skips the test
// when it is not there: the real advisory data and fixtures are too large
// to check in.
func SharedDir(t testing.TB, parts ...string) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	// This file is internal/testutil/shared.go.
	base := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared")
	if d := os.Getenv("SLUICE_SHARED_DIR"); d != "" {
		base = d
	}
	p := filepath.Join(append([]string{base}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("real data %s not available: %v", p, err)
	}
	return p
}
