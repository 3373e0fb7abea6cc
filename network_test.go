package sluice_test

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// `--offline` is proven in two halves: internal/cli's offline test runs the
// demo and watches every connection, and this test keeps every other way to
// the network out of the binary, so that the demo's coverage cannot miss a
// path that bypasses netguard.

const netguardPkg = module + "/internal/netguard"

// forbidden are the functions and variables of other packages that open
// connections (or spawn programs that may) without netguard, with what to
// use instead.
var forbidden = map[string]map[string]string{
	"net/http": {
		"DefaultTransport": "take a transport option; netguard.ContextTransport by default",
		"DefaultClient":    "build an http.Client with a netguard transport",
		"Get":              "use a client with a netguard transport", "Head": "use a client with a netguard transport",
		"Post": "use a client with a netguard transport", "PostForm": "use a client with a netguard transport",
	},
	"net": {
		"Dial": "use a netguard transport", "DialTimeout": "use a netguard transport", "DialTCP": "use a netguard transport",
		"DialUDP": "use a netguard transport", "DialIP": "use a netguard transport",
		"DefaultResolver": "a DNS query leaves the machine", "LookupHost": "a DNS query leaves the machine",
		"LookupIP": "a DNS query leaves the machine", "LookupAddr": "a DNS query leaves the machine",
		"LookupCNAME": "a DNS query leaves the machine", "LookupMX": "a DNS query leaves the machine",
		"LookupNS": "a DNS query leaves the machine", "LookupPort": "a DNS query leaves the machine",
		"LookupSRV": "a DNS query leaves the machine", "LookupTXT": "a DNS query leaves the machine",
	},
	"crypto/tls": {"Dial": "use a netguard transport", "DialWithDialer": "use a netguard transport"},
	"os/exec": {
		"Command":        "spawn programs with netguard.Git or netguard.Command (a program may reach the network on its own)",
		"CommandContext": "spawn programs with netguard.Git or netguard.Command (a program may reach the network on its own)",
	},
	"github.com/google/go-containerregistry/pkg/v1/remote": {
		"DefaultTransport":     "use netguard.RegistryOptions",
		"WithTransport":        "netguard.RegistryOptions sets the transport",
		"WithAuthFromKeychain": "netguard.RegistryOptions sets the keychain (credential helpers reach the network)",
	},
	"github.com/google/go-containerregistry/pkg/v1/remote/transport": {
		"New": "use netguard.RegistryOptions with remote", "NewWithContext": "use netguard.RegistryOptions with remote",
	},
}

// forbiddenTypes may not be built outside netguard: each is a way to dial
// that bypasses its dialer. http.Client is allowed with a Transport field.
var forbiddenTypes = map[string][]string{
	"net/http":   {"Transport", "Client"},
	"net":        {"Dialer", "Resolver"},
	"crypto/tls": {"Dialer"},
}

// forbiddenImports reach registries with transports of their own.
var forbiddenImports = []string{
	"github.com/google/go-containerregistry/pkg/crane",
	"github.com/google/go-containerregistry/pkg/v1/google",
	"github.com/google/go-containerregistry/pkg/legacy/remote",
}

const remotePkg = "github.com/google/go-containerregistry/pkg/v1/remote"

// binaryPackages lists the module's packages linked into cmd/sluice,
// relative to the module root: the code an --offline run can execute.
func binaryPackages(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	queue := []string{"cmd/sluice"}
	for len(queue) > 0 {
		dir := queue[0]
		queue = queue[1:]
		if seen[dir] {
			continue
		}
		seen[dir] = true
		pkg, err := build.ImportDir(dir, 0)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		for _, imp := range pkg.Imports {
			if rel, ok := strings.CutPrefix(imp, module+"/"); ok {
				queue = append(queue, rel)
			}
		}
	}
	dirs := make([]string, 0, len(seen))
	for d := range seen {
		dirs = append(dirs, d)
	}
	slices.Sort(dirs)
	return dirs
}

// parsePackage parses the non-test files of a package directory.
func parsePackage(t *testing.T, fset *token.FileSet, dir string) []*ast.File {
	t.Helper()
	pkg, err := build.ImportDir(dir, 0)
	if err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	var files []*ast.File
	for _, name := range pkg.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return files
}

func TestNetworkOnlyThroughNetguard(t *testing.T) {
	dirs := binaryPackages(t)
	if !slices.Contains(dirs, "internal/netguard") || !slices.Contains(dirs, "image") {
		t.Fatalf("binary packages %v: the import walk is broken", dirs)
	}
	fset := token.NewFileSet()
	for _, dir := range dirs {
		if dir == "internal/netguard" {
			continue
		}
		for _, p := range networkProblems(fset, parsePackage(t, fset, dir)) {
			t.Error(p)
		}
	}
}

// networkProblems checks the files of one package.
func networkProblems(fset *token.FileSet, files []*ast.File) []string {
	var out []string
	report := func(n ast.Node, format string, args ...any) {
		out = append(out, fmt.Sprintf("%s: %s", fset.Position(n.Pos()), fmt.Sprintf(format, args...)))
	}
	providers := optionProviders(files)
	for _, f := range files {
		names := importNames(f)
		for path, spec := range importSpecs(f) {
			for _, banned := range forbiddenImports {
				if path == banned || strings.HasPrefix(path, banned+"/") {
					report(spec, "imports %s, which reaches registries on its own: use remote with netguard.RegistryOptions", path)
				}
			}
		}
		// pkgOf says which imported package a selector's left side names.
		pkgOf := func(e ast.Expr) (path, sel string, ok bool) {
			s, isSel := e.(*ast.SelectorExpr)
			if !isSel {
				return "", "", false
			}
			id, isID := s.X.(*ast.Ident)
			if !isID || id.Obj != nil { // a local variable, not a package
				return "", "", false
			}
			path, ok = names[id.Name]
			return path, s.Sel.Name, ok
		}
		var enclosing *ast.FuncDecl
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				enclosing = n
			case *ast.SelectorExpr:
				if path, sel, ok := pkgOf(n); ok {
					if why, bad := forbidden[path][sel]; bad {
						report(n, "%s.%s bypasses netguard: %s", filepath.Base(path), sel, why)
					}
				}
			case *ast.CompositeLit:
				if path, sel, ok := pkgOf(n.Type); ok && slices.Contains(forbiddenTypes[path], sel) {
					if !(path == "net/http" && sel == "Client" && hasKey(n, "Transport")) {
						report(n, "%s.%s literal: it dials without netguard; use netguard.Transport (an http.Client needs a Transport field)", filepath.Base(path), sel)
					}
				}
			case *ast.CallExpr:
				if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "new" && id.Obj == nil && len(n.Args) == 1 {
					if path, sel, ok := pkgOf(n.Args[0]); ok && slices.Contains(forbiddenTypes[path], sel) {
						report(n, "new(%s.%s) dials without netguard", filepath.Base(path), sel)
					}
				}
				if path, sel, ok := pkgOf(n.Fun); ok && path == remotePkg && !strings.HasPrefix(sel, "With") {
					if !guardedOptions(n, enclosing, names, providers) {
						report(n, "remote.%s without netguard.RegistryOptions(...)...: it would use remote's own transport and credential helpers", sel)
					}
				}
			}
			return true
		})
	}
	return out
}

// importSpecs maps each import path of f to its spec.
func importSpecs(f *ast.File) map[string]*ast.ImportSpec {
	out := map[string]*ast.ImportSpec{}
	for _, s := range f.Imports {
		p, _ := strconv.Unquote(s.Path.Value)
		out[p] = s
	}
	return out
}

// importNames maps the names f refers to its imports by to their paths.
func importNames(f *ast.File) map[string]string {
	out := map[string]string{}
	for p, s := range importSpecs(f) {
		name := filepath.Base(p)
		if s.Name != nil {
			name = s.Name.Name
		} else if strings.HasPrefix(name, "v") && strings.Count(p, "/") > 2 {
			if _, err := strconv.Atoi(name[1:]); err == nil { // .../v3
				name = filepath.Base(filepath.Dir(p))
			}
		}
		out[name] = p
	}
	return out
}

func hasKey(lit *ast.CompositeLit, key string) bool {
	for _, e := range lit.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			if id, ok := kv.Key.(*ast.Ident); ok && id.Name == key {
				return true
			}
		}
	}
	return false
}

// isRegistryOptions reports whether e is a call of netguard.RegistryOptions.
func isRegistryOptions(e ast.Expr, names map[string]string) bool {
	c, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	s, ok := c.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	id, ok := s.X.(*ast.Ident)
	return ok && names[id.Name] == netguardPkg && s.Sel.Name == "RegistryOptions"
}

// optionProviders names the functions and methods of a package that return
// what netguard.RegistryOptions built (their bodies call it).
func optionProviders(files []*ast.File) map[string]bool {
	out := map[string]bool{}
	for _, f := range files {
		names := importNames(f)
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				if e, ok := n.(ast.Expr); ok && isRegistryOptions(e, names) {
					out[fd.Name.Name] = true
				}
				return true
			})
		}
	}
	return out
}

// guardedOptions reports whether a remote call's last argument is a spread
// of options that come from netguard.RegistryOptions: a call of it or of a
// provider, an append to one, or a local variable assigned one of those.
func guardedOptions(call *ast.CallExpr, fn *ast.FuncDecl, names map[string]string, providers map[string]bool) bool {
	if !call.Ellipsis.IsValid() || len(call.Args) == 0 {
		return false
	}
	var derived func(e ast.Expr, depth int) bool
	derived = func(e ast.Expr, depth int) bool {
		if depth > 8 {
			return false
		}
		switch e := e.(type) {
		case *ast.CallExpr:
			if isRegistryOptions(e, names) {
				return true
			}
			switch fun := e.Fun.(type) {
			case *ast.Ident:
				if fun.Name == "append" && len(e.Args) > 0 {
					return derived(e.Args[0], depth+1)
				}
				return providers[fun.Name]
			case *ast.SelectorExpr:
				if id, ok := fun.X.(*ast.Ident); ok && names[id.Name] != "" && id.Obj == nil {
					return false // another package's function
				}
				return providers[fun.Sel.Name]
			}
		case *ast.Ident:
			if fn == nil || e.Obj == nil {
				return false
			}
			found := false
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if as, ok := n.(*ast.AssignStmt); ok && len(as.Lhs) == len(as.Rhs) {
					for i, l := range as.Lhs {
						if id, ok := l.(*ast.Ident); ok && id.Obj == e.Obj && derived(as.Rhs[i], depth+1) {
							found = true
						}
					}
				}
				return !found
			})
			return found
		}
		return false
	}
	return derived(call.Args[len(call.Args)-1], 0)
}

// TestNetworkGuardCatches proves the checker above finds each way around
// netguard, so that an empty report means something.
func TestNetworkGuardCatches(t *testing.T) {
	const header = `package p

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"os/exec"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/sluice-dev/sluice/internal/netguard"
)

var _ = []any{context.Background, tls.Client, net.ParseIP, http.StatusOK, exec.LookPath, name.ParseReference, remote.Image, netguard.Offline}
`
	tests := []struct {
		name string
		body string
		want string // "" means no problem
	}{
		{"default transport", `var t = http.DefaultTransport`, "http.DefaultTransport bypasses netguard"},
		{"default client", `func f() { http.DefaultClient.Get("https://x") }`, "http.DefaultClient bypasses netguard"},
		{"http.Get", `func f() { http.Get("https://x") }`, "http.Get bypasses netguard"},
		{"net.Dial", `func f() { net.Dial("tcp", "x:1") }`, "net.Dial bypasses netguard"},
		{"DNS", `func f() { net.LookupHost("x") }`, "a DNS query leaves the machine"},
		{"tls.Dial", `func f() { tls.Dial("tcp", "x:1", nil) }`, "tls.Dial bypasses netguard"},
		{"exec", `func f() { exec.Command("git", "fetch") }`, "netguard.Command"},
		{"transport literal", `var t = &http.Transport{}`, "http.Transport literal: it dials without netguard"},
		{"dialer literal", `var d = net.Dialer{}`, "net.Dialer literal"},
		{"client without transport", `var c = &http.Client{}`, "http.Client literal"},
		{"new client", `var c = new(http.Client)`, "new(http.Client)"},
		{"client with transport", `var c = &http.Client{Transport: netguard.Transport("x", true)}`, ""},
		{"remote default transport", `var t = remote.DefaultTransport`, "remote.DefaultTransport bypasses"},
		{"remote without options", `func f(r name.Reference) { remote.Image(r) }`, "remote.Image without netguard.RegistryOptions"},
		{"remote with own options", `func f(r name.Reference) { remote.Image(r, remote.WithContext(context.Background())) }`, "remote.Image without"},
		{"remote own transport", `func f(r name.Reference, rt http.RoundTripper) { remote.Get(r, remote.WithTransport(rt)) }`, "remote.WithTransport bypasses"},
		{"remote guarded", `func f(ctx context.Context, r name.Reference) { remote.Image(r, netguard.RegistryOptions(ctx, "x", nil, nil)...) }`, ""},
		{"remote guarded variable", `func f(ctx context.Context, r name.Reference) {
	o := append(netguard.RegistryOptions(ctx, "x", nil, nil), remote.WithPlatform(v1.Platform{}))
	remote.Get(r, o...)
}`, ""},
		{"remote other variable", `func f(ctx context.Context, r name.Reference) {
	o := []remote.Option{remote.WithContext(ctx)}
	remote.Get(r, o...)
}`, "remote.Get without"},
		{"remote guarded provider", `type reg struct{}
func (reg) options(ctx context.Context) []remote.Option { return netguard.RegistryOptions(ctx, "x", nil, nil) }
func f(ctx context.Context, r name.Reference) { remote.Head(r, reg{}.options(ctx)...) }`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, "p.go", header+tt.body+"\n", 0)
			if err != nil {
				t.Fatal(err)
			}
			got := networkProblems(fset, []*ast.File{f})
			switch {
			case tt.want == "" && len(got) > 0:
				t.Errorf("false alarm: %v", got)
			case tt.want != "" && !slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, tt.want) }):
				t.Errorf("problems %v, want one containing %q", got, tt.want)
			}
		})
	}
}
