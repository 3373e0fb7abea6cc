package dotnet

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/inventory/internal/catalogertest"
)

func TestTestdata(t *testing.T) {
	tests := []struct {
		dir    string
		wanted []string
		want   []string
	}{
		{"app", []string{"TestLibrary.deps.json"}, []string{
			"AWSSDK.Core@3.7.10.6", "Microsoft.Extensions.DependencyInjection@6.0.0",
			"Microsoft.Extensions.DependencyInjection.Abstractions@6.0.0", "Microsoft.Extensions.Logging@6.0.0",
			"Microsoft.Extensions.Logging.Abstractions@6.0.0", "Microsoft.Extensions.Options@6.0.0",
			"Microsoft.Extensions.Primitives@6.0.0", "Newtonsoft.Json@13.0.1", "Serilog@2.10.0",
			"Serilog.Sinks.Console@4.0.1", "System.Diagnostics.DiagnosticSource@6.0.0",
			"System.Runtime.CompilerServices.Unsafe@6.0.0",
		}},
		{"lock", []string{"packages.lock.json"}, []string{
			"AutoMapper@13.0.1", "Microsoft.Extensions.DependencyInjection.Abstractions@9.0.0",
			"Microsoft.Extensions.Logging@9.0.0", "Microsoft.Extensions.Options@9.0.0",
			"Microsoft.Extensions.Primitives@9.0.0", "System.Runtime.CompilerServices.Unsafe@9.0.0",
			"bootstrap@5.0.0", "log4net@1.2.15", "log4net@2.0.5",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			res := catalogertest.RunWanting(t, New(), filepath.Join("testdata", tt.dir), tt.wanted)
			var got []string
			for _, p := range res.Packages {
				got = append(got, p.Name+"@"+p.Version)
				if p.Ecosystem != inventory.NuGet || p.PURL != "pkg:nuget/"+p.Name+"@"+p.Version {
					t.Errorf("%+v", p)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("packages (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMalformed(t *testing.T) {
	for _, p := range []string{"a.deps.json", "packages.lock.json"} {
		res, err := New().Analyze(context.Background(), catalogertest.Input(p, []byte("{")))
		if err != nil || len(res.Notes) != 1 {
			t.Errorf("%s: %v %v", p, res, err)
		}
	}
}

func TestWants(t *testing.T) {
	c := New()
	for _, tt := range []struct {
		path string
		want bool
	}{
		{"app/MyApp.deps.json", true}, {"src/packages.lock.json", true},
		{"app/.deps.json", false}, {"app/MyApp.runtimeconfig.json", false}, {"app/MyApp.dll", false},
	} {
		if got := c.Wants(tt.path, 0o644, 100); got != tt.want {
			t.Errorf("Wants(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	for _, p := range []string{"app/TestLibrary.deps.json", "lock/packages.lock.json"} {
		f.Add(catalogertest.Testdata(f, p))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		catalogertest.Fuzz(t, New(), "a.deps.json", data)
		catalogertest.Fuzz(t, New(), "packages.lock.json", data)
	})
}
