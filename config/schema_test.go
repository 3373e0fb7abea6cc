package config

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

const schemaFile = "../schema/sluice.schema.json"

// TestSchemaMatchesFile keeps the JSON Schema editors use in step with the
// loader: every key the loader accepts is in the schema and the reverse.
func TestSchemaMatchesFile(t *testing.T) {
	b, err := os.ReadFile(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	var schema map[string]any
	if err := json.Unmarshal(b, &schema); err != nil {
		t.Fatal(err)
	}
	defs, _ := schema["$defs"].(map[string]any)
	compare(t, "", reflect.TypeOf(File{}), schema, defs)
	reports := keys(schema["properties"].(map[string]any)["reports"].(map[string]any)["properties"].(map[string]any))
	if !slices.Equal(reports, sorted(ReportFormats())) {
		t.Errorf("schema reports %v, loader %v", reports, sorted(ReportFormats()))
	}
}

// compare walks a struct type and its schema object together.
func compare(t *testing.T, at string, typ reflect.Type, node map[string]any, defs map[string]any) {
	t.Helper()
	node = deref(node, defs)
	switch typ.Kind() {
	case reflect.Pointer:
		compare(t, at, typ.Elem(), node, defs)
	case reflect.Struct:
		props, _ := node["properties"].(map[string]any)
		if node["additionalProperties"] != false {
			t.Errorf("%s: schema object must set additionalProperties: false (the loader is strict)", at)
		}
		var fields []string
		for i := range typ.NumField() {
			f := typ.Field(i)
			tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if tag == "" || tag == "-" {
				continue
			}
			fields = append(fields, tag)
			sub, ok := props[tag].(map[string]any)
			if !ok {
				t.Errorf("%s%s: in the loader, missing from the schema", at, tag)
				continue
			}
			compare(t, at+tag+".", f.Type, sub, defs)
		}
		for _, k := range keys(props) {
			if !slices.Contains(fields, k) {
				t.Errorf("%s%s: in the schema, unknown to the loader", at, k)
			}
		}
	case reflect.Slice:
		if node["type"] != "array" {
			t.Errorf("%s: loader has a list, schema type %v", at, node["type"])
			return
		}
		if typ.Elem().Kind() == reflect.Struct {
			compare(t, at, typ.Elem(), node["items"].(map[string]any), defs)
		}
	case reflect.Map:
		if node["type"] != "object" {
			t.Errorf("%s: loader has a map, schema type %v", at, node["type"])
		}
	case reflect.Bool:
		wantType(t, at, node, "boolean")
	case reflect.Int:
		wantType(t, at, node, "integer")
	case reflect.String:
		if node["type"] != "string" {
			t.Errorf("%s: loader has a string, schema type %v", at, node["type"])
		}
	}
}

func wantType(t *testing.T, at string, node map[string]any, typ string) {
	t.Helper()
	if node["type"] != typ {
		t.Errorf("%s: loader has %s, schema type %v", at, typ, node["type"])
	}
}

// deref resolves a local "#/$defs/name" reference.
func deref(node map[string]any, defs map[string]any) map[string]any {
	if ref, ok := node["$ref"].(string); ok {
		if d, ok := defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any); ok {
			return d
		}
	}
	return node
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

// TestExamplesValidate checks the configurations we ship and document
// against the schema and the loader alike.
func TestExamplesValidate(t *testing.T) {
	c := jsonschema.NewCompiler()
	f, err := os.Open(schemaFile)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource("sluice.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("sluice.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	examples := map[string][]byte{}
	b, err := os.ReadFile("../demo/ci/.sluice.yaml")
	if err != nil {
		t.Fatal(err)
	}
	examples["demo/ci/.sluice.yaml"] = b
	// Every ```yaml block of docs/config.md and docs/ci.md that is a whole
	// configuration (not an excerpt of another file).
	block := regexp.MustCompile("(?s)```yaml\n(.*?)```")
	for _, doc := range []string{"../docs/config.md", "../docs/ci.md"} {
		md, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range block.FindAllSubmatch(md, -1) {
			if bytes.Contains(m[1], []byte("# .sluice.yaml")) {
				examples[doc+"#"+string(rune('a'+i))] = m[1]
			}
		}
	}
	if len(examples) < 3 {
		t.Fatalf("found %d examples; docs/config.md and docs/ci.md should each show a full .sluice.yaml marked `# .sluice.yaml`", len(examples))
	}
	for name, text := range examples {
		if _, err := Parse(name, bytes.NewReader(text)); err != nil {
			t.Errorf("loader: %v", err)
		}
		var v any
		if err := yaml.Unmarshal(text, &v); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		js, err := json.Marshal(v)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(inst); err != nil {
			t.Errorf("%s does not validate against the schema:\n%v", name, err)
		}
	}
}
