package rules_test

import (
	"context"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/dockerfile"
	"github.com/sluice-dev/sluice/dockerfile/rules"
)

// exampleOpts are the options a rule's documented examples assume.
var exampleOpts = map[string]dockerfile.Options{
	"DL3026": {TrustedRegistries: []string{"registry.example.com"}},
	"DL3049": {LabelSchema: map[string]string{"maintainer": "text"}},
	"DL3050": {LabelSchema: map[string]string{"maintainer": "text"}, StrictLabels: true},
	"DL3051": {LabelSchema: map[string]string{"maintainer": "text"}},
	"DL3052": {LabelSchema: map[string]string{"org.opencontainers.image.source": "url"}},
	"DL3053": {LabelSchema: map[string]string{"org.opencontainers.image.created": "rfc3339"}},
	"DL3054": {LabelSchema: map[string]string{"org.opencontainers.image.licenses": "spdx"}},
	"DL3055": {LabelSchema: map[string]string{"org.opencontainers.image.revision": "hash"}},
	"DL3056": {LabelSchema: map[string]string{"org.opencontainers.image.version": "semver"}},
	"DL3058": {LabelSchema: map[string]string{"maintainer": "email"}},
	"SL1007": {AllowedBases: []string{"registry.example.com/base/*"}},
}

// TestDocExamples checks that every rule's documented bad example is
// reported by the rule and its good example is not, so docs/rules never
// shows an example the rule disagrees with.
func TestDocExamples(t *testing.T) {
	for _, r := range rules.All() {
		if r.ID == dockerfile.ParseErrorID {
			continue
		}
		t.Run(r.ID, func(t *testing.T) {
			opts := exampleOpts[r.ID]
			opts.Enable = []string{r.ID}
			count := func(src string) int {
				fs, err := dockerfile.LintReader(context.Background(), "Dockerfile", strings.NewReader(src), []dockerfile.Rule{r}, opts)
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, f := range fs {
					if f.Rule == r.ID {
						n++
					}
				}
				return n
			}
			if count(r.Bad) == 0 {
				t.Errorf("bad example is not reported:\n%s", r.Bad)
			}
			if n := count(r.Good); n != 0 {
				t.Errorf("good example is reported %d times:\n%s", n, r.Good)
			}
		})
	}
}
