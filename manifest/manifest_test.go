package manifest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/internal/safeio"
)

func parseOne(t *testing.T, src string) Document {
	t.Helper()
	docs, err := Parse("test.yaml", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 {
		t.Fatalf("%d documents, want 1", len(docs))
	}
	return docs[0]
}

func TestLine(t *testing.T) {
	doc := parseOne(t, `defaults: &defaults
  user: root
  nested:
    deep: 1
spec:
  <<: *defaults
  containers:
    - name: a
      image: x
    - name: b
      Image: y
`)
	for _, tc := range []struct {
		name string
		path []any
		fold bool
		want int
	}{
		{"key", []any{"spec"}, false, 5},
		{"sequence item", []any{"spec", "containers", 1}, false, 10},
		{"field in item", []any{"spec", "containers", 0, "image"}, false, 9},
		{"missing field: deepest existing part", []any{"spec", "containers", 0, "securityContext", "privileged"}, false, 8},
		{"index out of range", []any{"spec", "containers", 5}, false, 7},
		{"through merge key", []any{"spec", "user"}, false, 2},
		{"through merge key, nested", []any{"spec", "nested", "deep"}, false, 4},
		{"case-sensitive miss", []any{"spec", "containers", 1, "image"}, false, 10},
		{"case-folded", []any{"spec", "containers", 1, "image"}, true, 11},
		{"empty path", nil, false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Line(doc.Root, tc.path...)
			if tc.fold {
				got = LineFold(doc.Root, tc.path...)
			}
			if got != tc.want {
				t.Errorf("line = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestJSONWithTabs(t *testing.T) {
	f, err := ReadFile(filepath.Join("testdata", "tabs.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Format != FormatECS {
		t.Errorf("format = %q, want ecs", f.Format)
	}
	if got := Line(f.Docs[0].Root, "containerDefinitions", 0, "image"); got != 6 {
		t.Errorf("line of image = %d, want 6", got)
	}
}

func TestToValue(t *testing.T) {
	doc := parseOne(t, `base: &b {x: 1}
list:
  - <<: *b
    y: yes
    z: ~
    f: 1.5
    ref: !Ref Param
`)
	got, err := ToValue(Lookup(doc.Root, "list"))
	if err != nil {
		t.Fatal(err)
	}
	want := []any{map[string]any{"x": int64(1), "y": "yes", "z": nil, "f": 1.5, "ref": "Param"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseLimits(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		opts Options
	}{
		{"file size", strings.Repeat("a: b\n", 100), Options{MaxFileSize: 64}},
		{"documents", strings.Repeat("a: b\n---\n", 20), Options{MaxDocuments: 10}},
		{"depth", strings.Repeat("[", 40) + strings.Repeat("]", 40), Options{MaxDepth: 32}},
		{"alias expansion", billionLaughs, Options{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			docs, err := Parse("bomb.yaml", []byte(tc.src), tc.opts)
			if err == nil {
				for _, d := range docs {
					if _, err = ToValue(d.Root); err != nil {
						break
					}
				}
			}
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, safeio.ErrLimit) && !strings.Contains(err.Error(), "excessive aliasing") {
				t.Errorf("err = %v, want a limit error", err)
			}
		})
	}
}

const billionLaughs = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
`

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		name, file, src string
		want            Format
	}{
		{"kubernetes", "app.yaml", "apiVersion: v1\nkind: Pod\n", FormatKubernetes},
		{"kubernetes after empty doc", "app.yaml", "---\n---\napiVersion: apps/v1\nkind: Deployment\n", FormatKubernetes},
		{"kubernetes json", "app.json", `{"apiVersion": "v1", "kind": "List", "items": []}`, FormatKubernetes},
		{"ecs register", "td.json", `{"family": "x", "containerDefinitions": []}`, FormatECS},
		{"ecs describe", "td.json", `{"taskDefinition": {"containerDefinitions": []}}`, FormatECS},
		{"cloudformation", "stack.yaml", "Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties: {}\n", FormatECS},
		{"cloudformation without task", "stack.yaml", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n", FormatUnknown},
		{"compose by name", "docker-compose.yml", "services:\n  a:\n    x: 1\n", FormatCompose},
		{"compose by content", "stack.yml", "services:\n  a:\n    image: x\n  b:\n    build: .\n", FormatCompose},
		{"services but not compose", "config.yml", "services:\n  a:\n    port: 1\n", FormatUnknown},
		{"helm values", "values.yaml", "image:\n  tag: 1\n", FormatUnknown},
		{"scalar", "x.yaml", "just text\n", FormatUnknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Load(tc.file, []byte(tc.src), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if f.Format != tc.want {
				t.Errorf("format = %q, want %q", f.Format, tc.want)
			}
		})
	}
}

func TestDuplicateKey(t *testing.T) {
	f, err := Load("secret.yaml", []byte("apiVersion: v1\nkind: Secret\ntype: a\ndata:\n  x: 1\ntype: b\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`secret.yaml: document 1: line 6: mapping key "type" already defined at line 3: the last value is used (kubectl --validate=strict would refuse the file)`}
	if diff := cmp.Diff(want, f.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	root := f.Docs[0].Root
	if v, _ := Scalar(Lookup(root, "type")); v != "b" || Line(root, "type") != 6 {
		t.Errorf("type = %q at line %d, want the last definition (b, line 6)", v, Line(root, "type"))
	}
	got, err := ToValue(root)
	if err != nil {
		t.Fatal(err)
	}
	if got.(map[string]any)["type"] != "b" {
		t.Errorf("ToValue keeps %v, want the last definition", got)
	}
}

func TestParseError(t *testing.T) {
	_, err := Parse("deploy/bad.yaml", []byte("a: [\n"), Options{})
	if err == nil || !strings.Contains(err.Error(), "deploy/bad.yaml") {
		t.Errorf("err = %v, want one naming the file", err)
	}
}

func TestParseImage(t *testing.T) {
	for _, tc := range []struct {
		ref  string
		want Image
		ok   bool
	}{
		{"nginx", Image{"docker.io", "library/nginx", "", ""}, true},
		{"nginx:1.27", Image{"docker.io", "library/nginx", "1.27", ""}, true},
		{"bitnami/redis:7", Image{"docker.io", "bitnami/redis", "7", ""}, true},
		{"localhost:5000/app", Image{"localhost:5000", "app", "", ""}, true},
		{"localhost/app:1", Image{"localhost", "app", "1", ""}, true},
		{"ghcr.io/acme/app:1@sha256:abc", Image{"ghcr.io", "acme/app", "1", "sha256:abc"}, true},
		{"index.docker.io/library/nginx@sha256:abc", Image{"docker.io", "library/nginx", "", "sha256:abc"}, true},
		{"registry.example:5000/team/proxy", Image{"registry.example:5000", "team/proxy", "", ""}, true},
		{"${IMAGE}", Image{}, false},
		{"<IMAGE1_NAME>", Image{}, false},
		{"", Image{}, false},
	} {
		t.Run(tc.ref, func(t *testing.T) {
			got, ok := ParseImage(tc.ref)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestImagePolicies(t *testing.T) {
	allowed := []string{"ghcr.io/acme", "docker.io/library", "registry.example"}
	for _, tc := range []struct {
		ref      string
		tag      bool
		unpinned bool
		allowed  bool
	}{
		{"nginx", true, true, true},
		{"nginx:latest", true, true, true},
		{"nginx:1.27", false, true, true},
		{"nginx@sha256:abc", false, false, true},
		{"bitnami/redis:7", false, true, false},
		{"ghcr.io/acme/app:1", false, true, true},
		{"ghcr.io/acme-evil/app:1", false, true, false},
		{"registry.example.evil.test/app:1", false, true, false},
		{"registry.example/team/app:1", false, true, true},
		{"${IMAGE}", false, false, true},
	} {
		t.Run(tc.ref, func(t *testing.T) {
			if got := TagProblem(tc.ref) != ""; got != tc.tag {
				t.Errorf("TagProblem = %v, want %v", got, tc.tag)
			}
			if got := Unpinned(tc.ref); got != tc.unpinned {
				t.Errorf("Unpinned = %v, want %v", got, tc.unpinned)
			}
			if got := RegistryAllowed(tc.ref, allowed); got != tc.allowed {
				t.Errorf("RegistryAllowed = %v, want %v", got, tc.allowed)
			}
		})
	}
}

func TestImageProblems(t *testing.T) {
	allowed := []string{"ghcr.io/acme", "registry.example"}
	for _, tc := range []struct {
		ref, pin, registry string
	}{
		{"nginx:1.27", "is not pinned by digest", "is not from an allowed registry (ghcr.io/acme, registry.example)"},
		{"ghcr.io/acme/app@sha256:abc", "", ""},
		{"${IMAGE}", "", ""},
	} {
		t.Run(tc.ref, func(t *testing.T) {
			if got := PinProblem(tc.ref); got != tc.pin {
				t.Errorf("PinProblem = %q, want %q", got, tc.pin)
			}
			if got := RegistryProblem(tc.ref, allowed); got != tc.registry {
				t.Errorf("RegistryProblem = %q, want %q", got, tc.registry)
			}
			if got := RegistryProblem(tc.ref, nil); got != "" {
				t.Errorf("RegistryProblem with no allowed list = %q, want none", got)
			}
		})
	}
}

func TestLiteralSecret(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		want        bool
	}{
		{"DB_PASSWORD", "hunter2", true},
		{"MYSQL_ROOT_PASSWORD", "root", true},
		{"GITHUB_TOKEN", "ghp_x", true},
		{"STRIPE_API_KEY", "sk_live_x", true},
		{"client_secret", "abc", true},
		{"DB_PASSWD", "gitea", true},
		{"DB_PASSWORD_FILE", "/run/secrets/db", false},
		{"DB_PASSWORD", "", false},
		{"DB_PASSWORD", "${DB_PASSWORD}", false},
		{"DB_PASSWORD", "$(DB_PASSWORD)", false},
		{"MYSQL_ALLOW_EMPTY_PASSWORD", "yes", false},
		{"TOKEN_URL", "https://x", false},
		{"AWS_ACCESS_KEY_ID", "AKIA", false},
		{"LOG_LEVEL", "debug", false},
		{"PASSWORD_REQUIRED", "true", false},
		{"ETCD_INITIAL_CLUSTER_TOKEN", "etcd-cluster-1", false},
	} {
		if got := LiteralSecret(tc.name, tc.value); got != tc.want {
			t.Errorf("LiteralSecret(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestWalkDir(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"b.yaml", "a.yml", "c.json", "d.txt", ".git/x.yaml", "node_modules/y.yaml", "sub/e.yaml"} {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte("a: 1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := WalkDir(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		got[i], _ = filepath.Rel(dir, got[i])
		got[i] = filepath.ToSlash(got[i])
	}
	if diff := cmp.Diff([]string{"a.yml", "b.yaml", "c.json", "sub/e.yaml"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nkind: Pod\nspec:\n  containers: [{name: a}]\n"))
	f.Add([]byte("{\"containerDefinitions\": [{\"name\": \"a\"}]}"))
	f.Add([]byte("x: &a {b: 1}\ny:\n  <<: *a\n"))
	f.Add([]byte(billionLaughs))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Load("fuzz.yaml", data, Options{MaxFileSize: 1 << 16, MaxDocuments: 16})
		if err != nil {
			return
		}
		for _, d := range file.Docs {
			_ = Line(d.Root, "spec", "containers", 0, "image")
			_, _ = ToValue(d.Root)
			_ = Pairs(d.Root)
		}
	})
}
