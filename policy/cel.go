package policy

import (
	"fmt"
	"sync"
	"time"

	"github.com/google/cel-go/cel"

	"github.com/sluice-dev/sluice/finding"
)

// Rule is a custom rule: a CEL expression over the policy input that is true
// when the rule is violated. The input is documented in docs/policy.md:
//
//	findings   list of maps: kind, rule, severity, severity_level (0 unknown .. 5 critical),
//	           title, path, line, layer, package {name, version, ecosystem, purl},
//	           fix_versions, aliases, published (timestamp), suppressed (bool)
//	image      map: reference, digest, labels, user, base, created (timestamp)
//	signatures list of maps: key, verified
//	sbom       map: packages, by_type
//	now        timestamp
type Rule struct {
	Name    string
	Expr    string
	Message string
}

type compiledRule struct {
	Rule
	prg cel.Program
}

// costLimit bounds one rule's evaluation, so a rule cannot stall a pipeline.
const costLimit = 10_000_000

// celEnv declares the input of custom rules. It is built on first use, not
// at start-up, so commands without custom rules pay nothing for CEL.
var celEnv = sync.OnceValues(func() (*cel.Env, error) {
	return cel.NewEnv(
		cel.Variable("findings", cel.ListType(cel.MapType(cel.StringType, cel.DynType))),
		cel.Variable("image", cel.MapType(cel.StringType, cel.DynType)),
		cel.Variable("signatures", cel.ListType(cel.MapType(cel.StringType, cel.DynType))),
		cel.Variable("sbom", cel.MapType(cel.StringType, cel.DynType)),
		cel.Variable("now", cel.TimestampType),
	)
})

func compileRules(rules []Rule) ([]compiledRule, error) {
	if len(rules) == 0 {
		return nil, nil
	}
	env, err := celEnv()
	if err != nil {
		return nil, fmt.Errorf("custom rules: %w", err)
	}
	out := make([]compiledRule, 0, len(rules))
	seen := map[string]bool{}
	for _, r := range rules {
		if r.Name == "" {
			return nil, fmt.Errorf("custom rule %q has no name", r.Expr)
		}
		if seen[r.Name] {
			return nil, fmt.Errorf("custom rule %s is defined twice", r.Name)
		}
		seen[r.Name] = true
		ast, iss := env.Compile(r.Expr)
		if iss.Err() != nil {
			return nil, fmt.Errorf("custom rule %s: %w", r.Name, iss.Err())
		}
		if ast.OutputType() != cel.BoolType {
			return nil, fmt.Errorf("custom rule %s: expression gives %s, want bool (true = violated)", r.Name, ast.OutputType())
		}
		prg, err := env.Program(ast, cel.CostLimit(costLimit))
		if err != nil {
			return nil, fmt.Errorf("custom rule %s: %w", r.Name, err)
		}
		out = append(out, compiledRule{Rule: r, prg: prg})
	}
	return out, nil
}

func (g *Gate) evalRules(res *finding.Result, facts Facts, now time.Time, fail func(string, ...any)) error {
	if len(g.rules) == 0 {
		return nil
	}
	input := celInput(res, facts, now)
	for _, r := range g.rules {
		v, _, err := r.prg.Eval(input)
		if err != nil {
			return fmt.Errorf("custom rule %s: %w", r.Name, err)
		}
		if violated, ok := v.Value().(bool); ok && violated {
			msg := r.Message
			if msg == "" {
				msg = r.Expr
			}
			fail("custom rule %s: %s", r.Name, msg)
		}
	}
	return nil
}

// celInput builds the documented input of custom rules.
func celInput(res *finding.Result, facts Facts, now time.Time) map[string]any {
	fs := make([]map[string]any, 0, len(res.Findings))
	for i := range res.Findings {
		f := &res.Findings[i]
		pkg := map[string]any{"name": "", "version": "", "ecosystem": "", "purl": ""}
		if f.Package != nil {
			pkg = map[string]any{"name": f.Package.Name, "version": f.Package.Version, "ecosystem": f.Package.Ecosystem, "purl": f.Package.PURL}
		}
		fix := []string{}
		if f.Fix != nil {
			fix = f.Fix.Versions
		}
		fs = append(fs, map[string]any{
			"kind": string(f.Kind), "rule": f.Rule, "severity": f.Severity.String(), "severity_level": int64(f.Severity),
			"title": f.Title, "path": f.Location.Path, "line": int64(f.Location.Line), "layer": f.Location.Layer,
			"package": pkg, "fix_versions": fix, "aliases": nonNil(f.Aliases), "published": f.Published,
			"suppressed": f.Suppressed != nil,
		})
	}
	img := map[string]any{"reference": "", "digest": "", "labels": map[string]string{}, "user": "", "base": "", "created": time.Time{}}
	if facts.Image != nil {
		labels := facts.Image.Labels
		if labels == nil {
			labels = map[string]string{}
		}
		img = map[string]any{"reference": facts.Image.Reference, "digest": facts.Image.Digest, "labels": labels,
			"user": facts.Image.User, "base": facts.Image.Base, "created": facts.Image.Created}
	}
	sigs := make([]map[string]any, 0, len(facts.Signatures))
	for _, s := range facts.Signatures {
		sigs = append(sigs, map[string]any{"key": s.Key, "verified": s.Verified})
	}
	sbom := map[string]any{"packages": int64(0), "by_type": map[string]int64{}}
	if facts.SBOM != nil {
		byType := map[string]int64{}
		for k, v := range facts.SBOM.ByType {
			byType[k] = int64(v)
		}
		sbom = map[string]any{"packages": int64(facts.SBOM.Packages), "by_type": byType}
	}
	return map[string]any{"findings": fs, "image": img, "signatures": sigs, "sbom": sbom, "now": now}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
