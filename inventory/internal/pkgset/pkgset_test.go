package pkgset

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/inventory"
)

func TestTidy(t *testing.T) {
	in := []inventory.Package{
		{Name: "b", Version: "2", Type: "first"},
		{Name: "a", Version: "10"},
		{Name: "", Version: "1"},
		{Name: "c", Version: ""},
		{Name: "b", Version: "2", Type: "repeat"},
		{Name: "a", Version: "9"},
		{Name: "B", Version: "2"},
	}
	tests := []struct {
		name string
		key  Key
		want []inventory.Package
	}{
		{"name and version", nil, []inventory.Package{
			{Name: "B", Version: "2"}, {Name: "a", Version: "10"}, {Name: "a", Version: "9"},
			{Name: "b", Version: "2", Type: "first"},
		}},
		{"folded names", func(p *inventory.Package) [2]string { return [2]string{strings.ToLower(p.Name), p.Version} },
			[]inventory.Package{
				{Name: "a", Version: "10"}, {Name: "a", Version: "9"}, {Name: "b", Version: "2", Type: "first"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Tidy(in, tt.key)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if got := Tidy([]inventory.Package{{Name: "x"}}, nil); got != nil {
		t.Errorf("Tidy of nothing complete = %v, want nil", got)
	}
}
