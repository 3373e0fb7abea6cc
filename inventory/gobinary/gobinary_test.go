package gobinary

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/inventory/internal/catalogertest"
)

const mainGo = `package main

import (
	"fmt"

	"golang.org/x/text/language"
)

func main() { fmt.Println(language.English) }
`

// build compiles a tiny main in a fresh module that requires the old
// golang.org/x/text v0.3.0 (GO-2020-0015), fetched through the module proxy.
// goSum holds the checksums of the modules the test modules use, so the build
// needs no "go mod tidy" (and no checksum database lookup) before it runs.
const goSum = `golang.org/x/text v0.3.0 h1:g61tztE5qeGQ89tm6NTjjM9VPIm088od1l6aSorWRWg=
golang.org/x/text v0.3.0/go.mod h1:NqM8EUOU14njkJ3fqMW+pc6Ldnwhi/IjpwHt7yyuwOQ=
golang.org/x/text v0.3.3 h1:cokOdA+Jmi5PJGXLlLllQSgYigAEfHXJAERHVMaCc2k=
golang.org/x/text v0.3.3/go.mod h1:5Zoc/QRtKVWzQhOtBMvqHzDpF6irO9z98xDceosuGiQ=
golang.org/x/tools v0.0.0-20180917221912-90fa682c2a6e/go.mod h1:n7NCudcB/nEzxVGmLbDWY5pfWTLqBcC2KZ6jyYvM4mQ=
`

func build(t *testing.T, gomod string, args ...string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds Go binaries; skipped with -short")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go toolchain in PATH")
	}
	dir := t.TempDir()
	for name, content := range map[string]string{"go.mod": gomod, "go.sum": goSum, "main.go": mainGo} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := append(os.Environ(), "GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS=-mod=readonly", "CGO_ENABLED=0")
	run := func(args ...string) {
		cmd := exec.Command(goBin, args...)
		cmd.Dir, cmd.Env = dir, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	out := filepath.Join(dir, "app")
	run(append(append([]string{"build", "-buildvcs=false", "-o", out}, args...), ".")...)
	return out
}

func TestBuiltBinaries(t *testing.T) {
	goVer := StdlibVersion(runtime.Version())
	tests := []struct {
		name  string
		gomod string
		args  []string
		want  []inventory.Package
	}{
		{
			name:  "plain",
			gomod: "module example.com/hello\n\ngo 1.21\n\nrequire golang.org/x/text v0.3.0\n",
			want: []inventory.Package{
				{Name: "example.com/hello", Type: "go-module", PURL: "pkg:golang/example.com/hello", Files: []string{"usr/local/bin/app"}},
				{Name: "golang.org/x/text", Version: "v0.3.0", Type: "go-module", PURL: "pkg:golang/golang.org/x/text@v0.3.0"},
				{Name: "stdlib", Version: goVer, Type: "go-stdlib", PURL: "pkg:golang/stdlib@" + goVer},
			},
		},
		{
			name:  "stripped-with-replace",
			gomod: "module example.com/hello\n\ngo 1.21\n\nrequire golang.org/x/text v0.3.0\n\nreplace golang.org/x/text => golang.org/x/text v0.3.3\n",
			args:  []string{"-trimpath", "-ldflags=-s -w"},
			want: []inventory.Package{
				{Name: "example.com/hello", Type: "go-module", PURL: "pkg:golang/example.com/hello", Files: []string{"usr/local/bin/app"}},
				{Name: "golang.org/x/text", Version: "v0.3.3", Type: "go-module", PURL: "pkg:golang/golang.org/x/text@v0.3.3"},
				{Name: "stdlib", Version: goVer, Type: "go-stdlib", PURL: "pkg:golang/stdlib@" + goVer},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bin := build(t, tt.gomod, tt.args...)
			root := t.TempDir()
			data, err := os.ReadFile(bin)
			if err != nil {
				t.Fatal(err)
			}
			for rel, mode := range map[string]os.FileMode{"usr/local/bin/app": 0o755, "opt/app/app.bak": 0o644, "etc/motd": 0o644} {
				p := filepath.Join(root, filepath.FromSlash(rel))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				content := data
				if rel == "etc/motd" {
					content = []byte("hi")
				}
				if err := os.WriteFile(p, content, mode); err != nil {
					t.Fatal(err)
				}
			}
			res := catalogertest.RunWanting(t, New(), root, []string{"usr/local/bin/app"})
			for i := range tt.want {
				tt.want[i].Ecosystem = inventory.Go
				tt.want[i].Cataloger = Name
				tt.want[i].Locations = []inventory.Location{{Path: "usr/local/bin/app"}}
			}
			if diff := cmp.Diff(tt.want, res.Packages); diff != "" {
				t.Errorf("packages (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNotGo(t *testing.T) {
	c := New()
	for name, data := range map[string][]byte{
		"script":    []byte("#!/bin/sh\necho hi\n"),
		"elf-junk":  append([]byte("\x7fELF"), make([]byte, 100)...),
		"pe-junk":   []byte("MZ\x90\x00garbage"),
		"macho-fat": {0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 9},
	} {
		res, err := c.Analyze(context.Background(), catalogertest.Input("usr/bin/x", data))
		if err != nil || len(res.Packages) != 0 {
			t.Errorf("%s: got %v, %v; want no packages and no error", name, res, err)
		}
	}
	// A real C executable from the host, where there is one.
	if data, err := os.ReadFile("/bin/true"); err == nil {
		res, err := c.Analyze(context.Background(), catalogertest.Input("bin/true", data))
		if err != nil || len(res.Packages) != 0 {
			t.Errorf("/bin/true: got %v, %v; want nothing", res, err)
		}
	}
}

func TestStdlibVersion(t *testing.T) {
	for in, want := range map[string]string{
		"go1.21.3": "1.21.3", "go1.20": "1.20.0", "go1.22rc1": "1.22.0-rc.1", "go1.21.0 X:boringcrypto": "1.21.0",
		"go1.9beta2": "1.9.0-beta.2", "devel go1.23-abc": "", "": "",
	} {
		if got := StdlibVersion(in); got != want {
			t.Errorf("StdlibVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWants(t *testing.T) {
	c := New()
	for _, tt := range []struct {
		path string
		mode os.FileMode
		size int64
		want bool
	}{
		{"app/server", 0o755, 5 << 20, true},
		{"usr/bin/kubectl", 0o644, 40 << 20, true},
		{"srv/tool.exe", 0o644, 5 << 20, true},
		{"srv/data.bin", 0o644, 5 << 20, false},
		{"usr/bin/tiny", 0o755, 100, false},
		{"usr/bin/huge", 0o755, MaxSize + 1, false},
		{"usr/bin/link", os.ModeSymlink | 0o777, 5 << 20, false},
		{"usr/bin/sub/x", 0o644, 5 << 20, false},
	} {
		if got := c.Wants(tt.path, tt.mode, tt.size); got != tt.want {
			t.Errorf("Wants(%q, %v, %d) = %v, want %v", tt.path, tt.mode, tt.size, got, tt.want)
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	f.Add([]byte("\x7fELF\x02\x01\x01\x00"))
	f.Add([]byte("MZ\x90\x00"))
	f.Add([]byte{0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		catalogertest.Fuzz(t, New(), "usr/bin/x", data)
	})
}
