package strictyaml

import (
	"strings"
	"testing"
)

type conf struct {
	Name  string   `yaml:"name"`
	Items []string `yaml:"items"`
	Deep  struct {
		N int `yaml:"n"`
	} `yaml:"deep"`
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"ok", "name: x\nitems: [a]\n", ""},
		{"empty", "  \n", ""},
		{"unknown key", "name: x\nnmae: y\n", `f.yaml:2: unknown key "nmae"`},
		{"nested unknown", "deep:\n  m: 1\n", `f.yaml:2: unknown key "m"`},
		{"wrong type", "deep:\n  n: many\n", "f.yaml:2: cannot unmarshal !!str `many` into int"},
		{"syntax", "name: [\n", "f.yaml:1: did not find expected node content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c conf
			err := Decode("f.yaml", []byte(tt.in), &c)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte("name: x\nitems: [a, b]\ndeep: {n: 3}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c conf
		Decode("fuzz", data, &c)
	})
}
