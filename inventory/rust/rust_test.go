package rust

import (
	"bytes"
	"compress/zlib"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sluice-dev/sluice/inventory"
	"github.com/sluice-dev/sluice/inventory/internal/catalogertest"
)

func TestCargoLock(t *testing.T) {
	tests := []struct {
		dir  string
		want []string
	}{
		{"cue-wasm", []string{"cfg-if@0.1.10", "libc@0.2.152", "memory_units@0.4.0", "wee_alloc@0.4.5", "winapi@0.3.9",
			"winapi-i686-pc-windows-gnu@0.4.0", "winapi-x86_64-pc-windows-gnu@0.4.0"}},
		{"git-deps", []string{"aho-corasick@1.1.3", "memchr@2.7.4", "minimal-lexical@0.2.1", "nom@7.1.3", "nom-regex@0.2.0",
			"regex@1.11.1", "regex-automata@0.4.9", "regex-syntax@0.8.5"}},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			res := catalogertest.RunWanting(t, New(), filepath.Join("testdata", tt.dir), []string{"Cargo.lock"})
			if diff := cmp.Diff(tt.want, catalogertest.IDs(res.Packages)); diff != "" {
				t.Errorf("packages (-want +got):\n%s", diff)
			}
			p := res.Packages[0]
			if p.Ecosystem != inventory.CratesIO || p.Type != "rust-crate" || p.PURL != "pkg:cargo/"+p.Name+"@"+p.Version {
				t.Errorf("%+v", p)
			}
		})
	}
}

// auditable builds an ELF with a cargo-auditable .dep-v0 section.
func auditable(t *testing.T, js string) []byte {
	t.Helper()
	objcopy, err := exec.LookPath("objcopy")
	if err != nil {
		t.Skip("objcopy (binutils) not installed")
	}
	base, err := os.ReadFile("/bin/true")
	if err != nil {
		t.Skip("no /bin/true to add a section to")
	}
	dir := t.TempDir()
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write([]byte(js))
	zw.Close()
	for name, data := range map[string][]byte{"in": base, "dep": z.Bytes()} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "out")
	cmd := exec.Command(objcopy, "--add-section", ".dep-v0="+filepath.Join(dir, "dep"), filepath.Join(dir, "in"), out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("objcopy: %v\n%s", err, b)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestAuditableBinary(t *testing.T) {
	bin := auditable(t, `{"packages":[
		{"name":"hello","version":"0.1.0","source":"local","root":true,"dependencies":[1,2]},
		{"name":"regex","version":"1.5.4","source":"crates.io","dependencies":[2]},
		{"name":"memchr","version":"2.4.1","source":"crates.io"},
		{"name":"cc","version":"1.0.73","source":"crates.io","kind":"build"},
		{"name":"mygit","version":"0.3.0","source":"git"}]}`)
	res, err := New().Analyze(context.Background(), catalogertest.Input("usr/local/bin/hello", bin))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"cc@1.0.73", "memchr@2.4.1", "regex@1.5.4"}, catalogertest.IDs(res.Packages)); diff != "" {
		t.Errorf("(-want +got):\n%s\nnotes %q", diff, res.Notes)
	}
	if res.Packages[0].Type != "rust-binary" {
		t.Errorf("type %q", res.Packages[0].Type)
	}
	// The same executable without the section yields nothing.
	plain, _ := os.ReadFile("/bin/true")
	res, err = New().Analyze(context.Background(), catalogertest.Input("bin/true", plain))
	if err != nil || len(res.Packages)+len(res.Notes) != 0 {
		t.Errorf("plain ELF: %v %v", res, err)
	}
}

func TestMalformed(t *testing.T) {
	for name, in := range map[string][]byte{
		"Cargo.lock": []byte("[[package]\n"),
	} {
		res, err := New().Analyze(context.Background(), catalogertest.Input(name, in))
		if err != nil || len(res.Notes) != 1 {
			t.Errorf("%s: %v %v", name, res, err)
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
		{"src/app/Cargo.lock", 0o644, 100, true},
		{"src/app/Cargo.toml", 0o644, 100, false},
		{"usr/local/bin/rg", 0o755, 5 << 20, true},
		{"usr/bin/rg", 0o644, 5 << 20, true},
		{"usr/lib/x.so", 0o644, 5 << 20, false},
		{"usr/bin/small", 0o755, 10, false},
	} {
		if got := c.Wants(tt.path, tt.mode, tt.size); got != tt.want {
			t.Errorf("Wants(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	f.Add(true, catalogertest.Testdata(f, "git-deps/Cargo.lock"))
	f.Add(false, []byte("\x7fELF\x02\x01\x01\x00"))
	f.Fuzz(func(t *testing.T, lock bool, data []byte) {
		p := "usr/bin/x"
		if lock {
			p = "Cargo.lock"
		}
		catalogertest.Fuzz(t, New(), p, data)
	})
}
