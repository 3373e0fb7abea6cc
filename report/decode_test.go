package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/internal/safeio"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
	}{
		{"minimal", `{"schema":"sluice.report/v1","findings":[]}`, ""},
		{"not json", `{"schema":`, "not valid JSON"},
		{"syntax error line", "{\n\"schema\": \"sluice.report/v1\",\n\"findings\": [}\n", "line 3"},
		{"no schema", `{"findings":[]}`, `no "schema" field`},
		{"other schema", `{"schema":"sluice.report/v2"}`, `schema "sluice.report/v2" is not supported`},
		{"sarif", `{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[]}`, `no "schema" field`},
		{"bad severity", `{"schema":"sluice.report/v1","findings":[{"severity":"nasty"}]}`, "unknown severity"},
		{"wrong type", `{"schema":"sluice.report/v1","findings":{}}`, "line 1"},
		{"too deep", `{"schema":"sluice.report/v1","x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`, "nesting depth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(strings.NewReader(tt.in), "in.json")
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Decode: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("Decode succeeded, want error containing %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("Decode error = %v, want it to contain %q", err, tt.wantErr)
			case err != nil && !strings.Contains(err.Error(), "in.json"):
				t.Fatalf("Decode error %v does not name the file", err)
			}
		})
	}
}

func TestDecodeRoundTrip(t *testing.T) {
	want := fixture(t)
	out := render(t, "json", Options{ShowSecrets: true}, want)
	got, err := Decode(bytes.NewReader(out), "json.json")
	if err != nil {
		t.Fatal(err)
	}
	again := render(t, "json", Options{ShowSecrets: true}, got)
	if diff := cmp.Diff(string(out), string(again)); diff != "" {
		t.Errorf("decode then encode changes the report (-first +second):\n%s", diff)
	}
}

func TestDecodeLimit(t *testing.T) {
	big := strings.NewReader(`{"schema":"sluice.report/v1","x":"` + strings.Repeat("a", 4096) + `"}`)
	if _, err := decode(big, "big.json", 4096); !errors.Is(err, safeio.ErrLimit) {
		t.Fatalf("Decode of an oversized report = %v, want a limit error", err)
	}
}

// FuzzDecode feeds arbitrary bytes to the decoder and every decoded result
// to every writer: nothing may panic, and the JSON and XML outputs must stay
// well formed.
func FuzzDecode(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("testdata", "result.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`{"schema":"sluice.report/v1","findings":[{"kind":"secret","rule":"x\u0000<]]>","severity":"high","location":{"path":"a\tb\n","line":-3},"evidence":[{"name":"secret","value":"ab"}]}]}`))
	f.Add([]byte(`{"schema":"sluice.report/v1","findings":null,"rules":[{"id":""}]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := decode(bytes.NewReader(in), "fuzz.json", 1<<20)
		if err != nil {
			return
		}
		for _, format := range Formats() {
			w, _ := New(format, Options{Time: scanTime})
			var buf bytes.Buffer
			if err := w.Write(&buf, r); err != nil {
				continue
			}
			switch goldenExt(format) {
			case ".json", ".sarif":
				if !json.Valid(buf.Bytes()) {
					t.Fatalf("%s output is not valid JSON", format)
				}
			case ".xml":
				var v junitSuites
				if err := xml.Unmarshal(buf.Bytes(), &v); err != nil {
					t.Fatalf("%s output is not valid XML: %v", format, err)
				}
			}
		}
	})
}
