package k8s

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/manifest"
	"github.com/sluice-dev/sluice/manifest/internal/wanttest"
)

func load(t testing.TB, paths ...string) []*manifest.File {
	t.Helper()
	var files []*manifest.File
	for _, p := range paths {
		files = append(files, wanttest.Load(t, p, manifest.FormatKubernetes))
	}
	return files
}

func run(t *testing.T, files []*manifest.File, rules []Rule, opts Options) finding.Result {
	t.Helper()
	res, err := Check(context.Background(), NewSet(files), rules, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestRules runs every K8Sxxx rule on its catch and pass fixtures; the
// catch fixture's "# want" comments name the lines it must report, the pass
// fixture must give nothing.
func TestRules(t *testing.T) {
	opts := Options{PSS: PSSNone, Strict: true, AllowedRegistries: []string{"registry.example", "ghcr.io/acme"}}
	var meta []manifest.Rule
	for _, r := range Rules() {
		meta = append(meta, r.Rule)
		for _, kind := range []string{"catch", "pass"} {
			t.Run(r.ID+"/"+kind, func(t *testing.T) {
				path := filepath.Join("testdata", "rules", r.ID, kind+".yaml")
				keep := func(id string) bool { return id == r.ID }
				want, err := wanttest.Want(path, keep)
				if err != nil {
					t.Fatal(err)
				}
				if (kind == "catch") != (len(want) > 0) {
					t.Fatalf("%s: a catch fixture needs # want lines, a pass fixture none", path)
				}
				res := run(t, load(t, path), []Rule{r}, opts)
				got := wanttest.Got(res.Findings, filepath.ToSlash(path), keep)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", path, diff)
				}
			})
		}
	}
	wanttest.CheckRules(t, meta, nil)
}

// TestStrictOnly checks that digest pinning runs only with Strict.
func TestStrictOnly(t *testing.T) {
	files := load(t, filepath.Join("testdata", "rules", "K8S002", "catch.yaml"))
	res := run(t, files, Rules(), Options{PSS: PSSNone})
	for _, r := range res.Rules {
		if r.ID == "K8S002" {
			t.Error("K8S002 ran without Strict")
		}
	}
	for _, f := range res.Findings {
		if f.Rule == "K8S002" {
			t.Errorf("K8S002 finding without Strict: %s", f.Message)
		}
	}
}

func pssLevelIDs(level string) map[string]bool {
	ids := map[string]bool{}
	for _, c := range pssChecks(api.Level(level)) {
		ids["pss:"+string(c.ID)] = true
	}
	return ids
}

// TestPSSFixtures runs each check's fail and pass fixture at both levels.
// A fixture meets the restricted level except for the field under test, so
// at each level exactly the level's checks named in "# want" must fire.
func TestPSSFixtures(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "pss", "*.yaml"))
	if len(paths) == 0 {
		t.Fatal("no fixtures")
	}
	for _, level := range []string{PSSBaseline, PSSRestricted} {
		ids := pssLevelIDs(level)
		keep := func(id string) bool { return ids[id] || !strings.HasPrefix(id, "pss:") }
		for _, path := range paths {
			t.Run(level+"/"+filepath.Base(path), func(t *testing.T) {
				want, err := wanttest.Want(path, keep)
				if err != nil {
					t.Fatal(err)
				}
				res := run(t, load(t, path), nil, Options{PSS: level})
				got := wanttest.Got(res.Findings, filepath.ToSlash(path), nil)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestPSSFixtureCoverage: every upstream check has a description and a
// fail and a pass fixture, and each fail fixture fails at its own level.
func TestPSSFixtureCoverage(t *testing.T) {
	for _, c := range policy.DefaultChecks() {
		id := string(c.ID)
		if _, ok := pssMeta[id]; !ok {
			t.Errorf("upstream check %s has no entry in pssMeta", id)
		}
		for _, kind := range []string{"fail", "pass"} {
			path := filepath.Join("testdata", "pss", id+"."+kind+".yaml")
			if _, err := os.Stat(path); err != nil {
				t.Errorf("check %s: no %s fixture: %v", id, kind, err)
				continue
			}
			if kind == "fail" {
				want, _ := wanttest.Want(path, func(r string) bool { return r == "pss:"+id })
				if len(want) == 0 {
					t.Errorf("%s does not expect pss:%s", path, id)
				}
			}
		}
	}
	if len(pssMeta) != len(policy.DefaultChecks()) {
		t.Errorf("pssMeta has %d entries, upstream %d checks", len(pssMeta), len(policy.DefaultChecks()))
	}
}

// TestPSSMatchesUpstream compares our per-check evaluation with the
// upstream evaluator (policy.NewEvaluator, as the admission plugin builds
// it) at the latest version, on every fixture and workload we have — and on
// the shared corpus when it is there.
func TestPSSMatchesUpstream(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "pss", "*.yaml"))
	more, _ := filepath.Glob(filepath.Join("testdata", "rules", "*", "*.yaml"))
	paths = append(append(paths, more...), filepath.Join("testdata", "workloads.yaml"))
	if corpus, ok := wanttest.Shared(2, "corpus", "k8s"); ok {
		c, _ := filepath.Glob(filepath.Join(corpus, "*.yaml"))
		paths = append(paths, c...)
	} else {
		t.Log("shared corpus absent: fixtures only")
	}
	eval, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var files []*manifest.File
	for _, p := range paths {
		f, err := manifest.ReadFile(p, manifest.Options{})
		if err == nil && f.Format == manifest.FormatKubernetes {
			files = append(files, f)
		}
	}
	set := NewSet(files)
	if len(set.Workloads) < 50 {
		t.Fatalf("only %d workloads", len(set.Workloads))
	}
	for _, level := range []string{PSSBaseline, PSSRestricted} {
		checks := pssChecks(api.Level(level))
		res, err := Check(context.Background(), set, nil, Options{PSS: level})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range set.Workloads {
			up := policy.AggregateCheckResults(eval.EvaluatePod(api.LevelVersion{Level: api.Level(level), Version: api.LatestVersion()}, &w.Meta, &w.Spec))
			var ours []policy.CheckResult
			failed := []string{}
			for _, r := range evaluatePSS(checks, &w.Meta, &w.Spec) {
				ours = append(ours, r.Result)
				if !r.Result.Allowed {
					failed = append(failed, "pss:"+string(r.ID))
				}
			}
			if diff := cmp.Diff(reasons(up), reasons(policy.AggregateCheckResults(ours))); diff != "" {
				t.Errorf("%s %s %s: (-upstream +ours):\n%s", level, w.Doc.Path, w, diff)
			}
			// Every failed check has at least one finding on this object, and
			// no other PSS rule reports it.
			reported := map[string]bool{}
			for _, f := range res.Findings {
				if f.Location.Path == w.Doc.Path && slices.Contains(f.Evidence, finding.Evidence{Name: "object", Value: w.String()}) {
					reported[f.Rule] = true
				}
			}
			var got []string
			for id := range reported {
				got = append(got, id)
			}
			sort.Strings(got)
			sort.Strings(failed)
			if diff := cmp.Diff(failed, append([]string{}, got...)); diff != "" {
				t.Errorf("%s %s %s: findings (-failed checks +reported):\n%s", level, w.Doc.Path, w, diff)
			}
		}
	}
}

// TestWorkloadKinds: every kind with a pod template is read at the right
// path, Lists are expanded, custom resources are skipped with a note.
func TestWorkloadKinds(t *testing.T) {
	path := filepath.Join("testdata", "workloads.yaml")
	files := load(t, path)
	set := NewSet(files)
	var kinds []string
	for _, w := range set.Workloads {
		kinds = append(kinds, w.Kind)
	}
	wantKinds := []string{"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "ReplicationController", "Pod"}
	if diff := cmp.Diff(wantKinds, kinds); diff != "" {
		t.Errorf("workloads (-want +got):\n%s", diff)
	}
	res := run(t, files, nil, Options{})
	want, err := wanttest.Want(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, wanttest.Got(res.Findings, filepath.ToSlash(path), nil)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	var notes []string
	for _, n := range res.Notes {
		notes = append(notes, n.Message)
	}
	wantNotes := []string{"skipped 1 custom resource(s) argoproj.io/v1alpha1 Rollout (first in testdata/workloads.yaml): not a built-in Kubernetes kind"}
	if diff := cmp.Diff(wantNotes, notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}

func TestPSSRules(t *testing.T) {
	for _, tc := range []struct {
		level   string
		want    []string
		wantErr bool
	}{
		{level: "baseline", want: []string{"pss:appArmorProfile", "pss:capabilities_baseline", "pss:hostNamespaces", "pss:hostPathVolumes", "pss:hostPorts",
			"pss:hostProbesAndHostLifecycle", "pss:privileged", "pss:procMount", "pss:seLinuxOptions", "pss:seccompProfile_baseline", "pss:sysctls", "pss:windowsHostProcess"}},
		{level: "restricted", want: []string{"pss:allowPrivilegeEscalation", "pss:appArmorProfile", "pss:capabilities_restricted", "pss:hostNamespaces", "pss:hostPorts",
			"pss:hostProbesAndHostLifecycle", "pss:privileged", "pss:procMount_restricted", "pss:restrictedVolumes", "pss:runAsNonRoot", "pss:runAsUser",
			"pss:seLinuxOptions", "pss:seccompProfile_restricted", "pss:sysctls", "pss:windowsHostProcess"}},
		{level: "privileged", wantErr: true},
		{level: "bogus", wantErr: true},
	} {
		t.Run(tc.level, func(t *testing.T) {
			rules, err := PSSRules(tc.level)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			var got []string
			for _, r := range rules {
				got = append(got, r.ID)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestBadPSSLevel(t *testing.T) {
	_, err := Check(context.Background(), &Set{}, nil, Options{PSS: "strictest"})
	if err == nil {
		t.Fatal("no error for an unknown level")
	}
}

// reasons lists "reason (detail)" of every forbidden check, sorted: the
// upstream evaluator orders baseline checks before restricted ones, we order
// by ID.
func reasons(a policy.AggregateCheckResult) []string {
	out := []string{}
	for i := range a.ForbiddenReasons {
		out = append(out, a.ForbiddenReasons[i]+" ("+a.ForbiddenDetails[i]+")")
	}
	sort.Strings(out)
	return out
}

func FuzzLoadKubernetes(f *testing.F) {
	for _, p := range []string{"workloads.yaml", "pss/privileged.fail.yaml", "rules/K8S009/catch.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := manifest.Load("fuzz.yaml", data, manifest.Options{MaxFileSize: 1 << 16, MaxDocuments: 16})
		if err != nil {
			return
		}
		file.Format = manifest.FormatKubernetes
		for _, level := range []string{PSSBaseline, PSSRestricted} {
			if _, err := Check(context.Background(), NewSet([]*manifest.File{file}), Rules(), Options{PSS: level, Strict: true, AllowedRegistries: []string{"r.example"}}); err != nil {
				t.Fatal(err)
			}
		}
	})
}
