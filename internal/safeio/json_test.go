package safeio

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckJSONDepth(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		max     int
		wantErr bool
	}{
		{"flat", `{"a":1}`, 1, false},
		{"at limit", `{"a":[1]}`, 2, false},
		{"over limit", `{"a":[{}]}`, 2, true},
		{"brackets in string", `{"a":"[[[[{{{{"}`, 1, false},
		{"escaped quote in string", `{"a":"\"[[[["}`, 1, false},
		{"escaped backslash ends string", `{"a":"\\","b":[[]]}`, 2, true},
		{"siblings do not add up", `[[],[],[]]`, 2, false},
		{"deep array", strings.Repeat("[", 65) + strings.Repeat("]", 65), MaxDepth, true},
		{"empty", ``, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckJSONDepth([]byte(tt.in), tt.max)
			if !tt.wantErr {
				if err != nil {
					t.Fatalf("CheckJSONDepth(%q, %d) = %v, want nil", tt.in, tt.max, err)
				}
				return
			}
			var le *LimitError
			if !errors.As(err, &le) || le.What != "JSON nesting depth" || le.Limit != int64(tt.max) {
				t.Fatalf("CheckJSONDepth(%q, %d) = %v, want a JSON nesting depth limit of %d", tt.in, tt.max, err, tt.max)
			}
			if !errors.Is(err, ErrLimit) {
				t.Fatalf("err = %v, want errors.Is ErrLimit", err)
			}
		})
	}
}
