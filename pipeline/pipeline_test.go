package pipeline

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/policy"
	"github.com/sluice-dev/sluice/policy/exception"
)

// stage returns a stage whose run records its order and yields findings.
func stage(name string, log *[]string, mu *sync.Mutex, fs []finding.Finding, err error, needs ...string) Stage {
	return Stage{Name: name, Needs: needs, Run: func(ctx context.Context) (*finding.Result, error) {
		mu.Lock()
		*log = append(*log, name)
		mu.Unlock()
		if err != nil {
			return nil, err
		}
		return &finding.Result{Findings: fs}, nil
	}}
}

func statuses(r *Run) map[string]Status {
	m := map[string]Status{}
	for _, o := range r.Stages {
		m[o.Stage] = o.Status
	}
	return m
}

func gate(t *testing.T, p policy.Policy) *policy.Gate {
	t.Helper()
	g, err := policy.Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

var (
	highSecret = finding.Finding{Kind: finding.KindSecret, Rule: "aws-access-token", Severity: finding.SeverityHigh, Location: finding.Location{Path: "app/.env", Line: 1}}
	lowLint    = finding.Finding{Kind: finding.KindLint, Rule: "DL3008", Severity: finding.SeverityLow, Location: finding.Location{Path: "Dockerfile", Line: 2}}
)

func TestExecute(t *testing.T) {
	high := finding.SeverityHigh
	tests := []struct {
		name       string
		failFast   bool
		stages     func(log *[]string, mu *sync.Mutex) []Stage
		wantStatus map[string]Status
		wantPass   bool
		wantReason string
	}{
		{
			name: "all pass, gate stages run",
			stages: func(l *[]string, mu *sync.Mutex) []Stage {
				sign := stage("sign", l, mu, nil, nil, "build")
				sign.AfterGate = true
				return []Stage{stage("lint", l, mu, []finding.Finding{lowLint}, nil), stage("build", l, mu, nil, nil, "lint"), sign}
			},
			wantStatus: map[string]Status{"lint": StatusPassed, "build": StatusPassed, "sign": StatusPassed},
			wantPass:   true,
		},
		{
			name: "run-all: a failing stage does not stop independent ones, gate stages skip",
			stages: func(l *[]string, mu *sync.Mutex) []Stage {
				promote := stage("promote", l, mu, nil, nil)
				promote.AfterGate = true
				return []Stage{stage("secrets", l, mu, []finding.Finding{highSecret}, nil), stage("lint", l, mu, []finding.Finding{lowLint}, nil), promote}
			},
			wantStatus: map[string]Status{"secrets": StatusFailed, "lint": StatusPassed, "promote": StatusSkipped},
			wantReason: "secret aws-access-token at app/.env:1 is high",
		},
		{
			name:     "fail-fast skips what has not started",
			failFast: true,
			stages: func(l *[]string, mu *sync.Mutex) []Stage {
				return []Stage{stage("secrets", l, mu, []finding.Finding{highSecret}, nil), stage("scan", l, mu, nil, nil, "secrets")}
			},
			wantStatus: map[string]Status{"secrets": StatusFailed, "scan": StatusSkipped},
			wantReason: "secret aws-access-token",
		},
		{
			name: "an error skips the stages that need it and fails the decision",
			stages: func(l *[]string, mu *sync.Mutex) []Stage {
				return []Stage{stage("build", l, mu, nil, errors.New("docker build exited 1")), stage("scan", l, mu, nil, nil, "build"), stage("lint", l, mu, nil, nil)}
			},
			wantStatus: map[string]Status{"build": StatusError, "scan": StatusSkipped, "lint": StatusPassed},
			wantReason: "stage build could not run: docker build exited 1",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log []string
			var mu sync.Mutex
			var events []string
			run, err := Execute(context.Background(), tt.stages(&log, &mu), Options{
				Gate: gate(t, policy.Policy{FailOn: &high}), FailFast: tt.failFast,
				Events: func(e Event) {
					if e.Outcome != nil {
						events = append(events, e.Stage+"="+string(e.Outcome.Status))
					}
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wantStatus, statuses(run)); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
			if len(events) != len(tt.wantStatus) {
				t.Errorf("events = %v, want one end event per stage", events)
			}
			if run.Result.Decision.Pass != tt.wantPass {
				t.Errorf("pass = %v, want %v (reasons %v)", run.Result.Decision.Pass, tt.wantPass, run.Result.Decision.Reasons)
			}
			if tt.wantReason != "" && !strings.Contains(strings.Join(run.Result.Decision.Reasons, "\n"), tt.wantReason) {
				t.Errorf("reasons %v lack %q", run.Result.Decision.Reasons, tt.wantReason)
			}
		})
	}
}

func TestNeedsOrderAndConcurrency(t *testing.T) {
	var mu sync.Mutex
	var order []string
	both := make(chan struct{}, 2)
	release := make(chan struct{})
	conc := func(name string) Stage {
		return Stage{Name: name, Run: func(ctx context.Context) (*finding.Result, error) {
			both <- struct{}{}
			<-release // both independent stages must be running at once to get here
			mu.Lock()
			order = append(order, name)
			mu.Unlock()
			return nil, nil
		}}
	}
	go func() { <-both; <-both; close(release) }()
	stages := []Stage{conc("lint"), conc("secrets"), stage("scan", &order, &mu, nil, nil, "lint", "secrets")}
	done := make(chan struct{})
	go func() {
		if _, err := Execute(context.Background(), stages, Options{}); err != nil {
			t.Error(err)
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("independent stages did not run concurrently")
	}
	if len(order) != 3 || order[2] != "scan" {
		t.Fatalf("order = %v, want scan last", order)
	}
}

func TestExceptionsApplyOnce(t *testing.T) {
	ledger, err := exception.Parse(".sluiceignore", strings.NewReader("exceptions:\n  - id: aws-access-token\n    reason: fake key in a fixture\n    owner: security\n"))
	if err != nil {
		t.Fatal(err)
	}
	high := finding.SeverityHigh
	var log []string
	var mu sync.Mutex
	run, err := Execute(context.Background(), []Stage{stage("secrets", &log, &mu, []finding.Finding{highSecret}, nil)},
		Options{Gate: gate(t, policy.Policy{FailOn: &high, ForbidSecrets: true}), Ledger: ledger})
	if err != nil {
		t.Fatal(err)
	}
	if !run.Result.Decision.Pass || run.Stages[0].Status != StatusPassed {
		t.Fatalf("suppressed secret still failed: %+v %v", run.Stages, run.Result.Decision.Reasons)
	}
	if run.Result.Findings[0].Suppressed == nil || run.Result.Summary.Suppressed != 1 {
		t.Fatalf("finding not marked suppressed in the result")
	}
	if len(run.Result.Notes) != 0 {
		t.Fatalf("notes = %v, want none (the entry matched)", run.Result.Notes)
	}
}

func TestValidate(t *testing.T) {
	noop := func(context.Context) (*finding.Result, error) { return nil, nil }
	tests := []struct {
		name   string
		stages []Stage
		want   string
	}{
		{"unknown need", []Stage{{Name: "scan", Needs: []string{"build"}, Run: noop}}, "not configured"},
		{"cycle", []Stage{{Name: "a", Needs: []string{"b"}, Run: noop}, {Name: "b", Needs: []string{"a"}, Run: noop}}, "cycle"},
		{"duplicate", []Stage{{Name: "a", Run: noop}, {Name: "a", Run: noop}}, "twice"},
		{"needs a gate stage", []Stage{{Name: "a", Needs: []string{"sign"}, Run: noop}, {Name: "sign", AfterGate: true, Run: noop}}, "after the gate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Execute(context.Background(), tt.stages, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
