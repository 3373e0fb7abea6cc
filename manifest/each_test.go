package manifest

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/finding"
)

type testUnit struct{ name string }

func (u *testUnit) Location(path ...any) finding.Location {
	return finding.Location{Path: u.name + ".yaml", Line: len(path)}
}

type testOptions struct{ word string }

func TestCheckEach(t *testing.T) {
	units := []*testUnit{{"a"}, {"b"}}
	always := EachRule[*testUnit, testOptions]{
		Rule: Rule{ID: "T001", Severity: finding.SeverityLow, Title: "always"},
		Check: func(u *testUnit, opts *testOptions, emit Emit[*testUnit]) {
			emit(u, []any{"x", 0}, u.name+" "+opts.word)
		},
	}
	strict := EachRule[*testUnit, testOptions]{
		Rule:  Rule{ID: "T002", Strict: true},
		Check: func(u *testUnit, _ *testOptions, emit Emit[*testUnit]) { emit(u, nil, "strict") },
	}
	registries := EachRule[*testUnit, testOptions]{
		Rule:  Rule{ID: "T003", Registries: true},
		Check: func(u *testUnit, _ *testOptions, emit Emit[*testUnit]) { emit(u, nil, "registries") },
	}
	rules := []EachRule[*testUnit, testOptions]{always, strict, registries}

	res, err := CheckEach(context.Background(), units, rules, &testOptions{word: "hi"}, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, f.Rule+" "+f.Location.Path+" "+f.Message)
		if f.Location.Line != 2 {
			t.Errorf("%s: line %d, want 2 (the path's length)", f.Message, f.Location.Line)
		}
	}
	if diff := cmp.Diff([]string{"T001 a.yaml a hi", "T001 b.yaml b hi"}, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if len(res.Rules) != 1 || res.Rules[0].ID != "T001" {
		t.Errorf("rules that ran = %v, want T001 only", res.Rules)
	}

	res, err = CheckEach(context.Background(), units, rules, &testOptions{}, true, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rules) != 3 || len(res.Findings) != 6 {
		t.Errorf("strict with registries: %d rules and %d findings, want 3 and 6", len(res.Rules), len(res.Findings))
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := CheckEach(ctx, units, rules, &testOptions{}, false, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v, want context.Canceled", err)
	}
}
