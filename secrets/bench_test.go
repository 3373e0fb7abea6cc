package secrets_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/sluice-dev/sluice/secrets"
	"github.com/sluice-dev/sluice/secrets/dirsource"
	"github.com/sluice-dev/sluice/secrets/gitleaks"
	"github.com/sluice-dev/sluice/secrets/rules"
)

// BenchmarkScanTree scans a real tree: $SLUICE_BENCH_TREE, or the Go
// standard library sources ($GOROOT/src).
func BenchmarkScanTree(b *testing.B) {
	benchTree(b, secrets.Config{Rules: rules.All()})
}

// BenchmarkScanTreeGitleaksConfig is the same with gitleaks' default rules
// (from ../shared/fixtures).
func BenchmarkScanTreeGitleaksConfig(b *testing.B) {
	p := filepath.Join("..", "..", "..", "shared", "fixtures", "gitleaks", "gitleaks.toml")
	if _, err := os.Stat(p); err != nil {
		p = filepath.Join("..", "..", "shared", "fixtures", "gitleaks", "gitleaks.toml")
	}
	res, err := gitleaks.Load(p, gitleaks.Options{})
	if err != nil {
		b.Skipf("gitleaks default config: %v", err)
	}
	benchTree(b, res.Config)
}

func benchTree(b *testing.B, cfg secrets.Config) {
	root := os.Getenv("SLUICE_BENCH_TREE")
	if root == "" {
		root = filepath.Join(runtime.GOROOT(), "src")
	}
	s, err := secrets.New(cfg, secrets.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var bytes int64
	for b.Loop() {
		rep, err := s.Scan(context.Background(), &dirsource.Dir{Root: root})
		if err != nil {
			b.Fatal(err)
		}
		bytes = rep.Stats.Bytes
		b.ReportMetric(float64(len(rep.Findings)), "findings")
	}
	b.SetBytes(bytes)
}
