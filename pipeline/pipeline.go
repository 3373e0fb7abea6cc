// Package pipeline runs `sluice ci`: the configured stages (lint, secrets,
// build, sbom, scan, config, audit, sign, push, promote) in dependency order,
// independent ones concurrently, each stage's findings merged into one
// Result, exceptions applied once and the policy deciding the exit code.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/sluice-dev/sluice/finding"
	"github.com/sluice-dev/sluice/policy"
	"github.com/sluice-dev/sluice/policy/exception"
)

// Stage is one step of the pipeline.
type Stage struct {
	Name string
	// Needs names stages that must succeed (no error) before this one runs.
	Needs []string
	// AfterGate stages (sign, push, promote) run only when every other stage
	// has finished and the policy passes on everything found so far.
	AfterGate bool
	// Run does the work. Its result's findings join the pipeline's result.
	Run func(ctx context.Context) (*finding.Result, error)
}

// Status is how a stage ended.
type Status string

// Stage statuses.
const (
	StatusPassed  Status = "passed"  // ran; its findings pass the policy
	StatusFailed  Status = "failed"  // ran; its findings fail the policy
	StatusError   Status = "error"   // could not run to the end
	StatusSkipped Status = "skipped" // not run: a stage it needs failed, fail-fast, or the gate failed
)

// Outcome is one stage's end.
type Outcome struct {
	Stage    string
	Status   Status
	Duration time.Duration
	Findings int    // active findings
	Detail   string // error text or why it was skipped
}

// Event reports a stage starting or ending, for a live display.
type Event struct {
	Stage   string
	Started bool     // true at start; false with Outcome at the end
	Outcome *Outcome // set when the stage ended
}

// Options configure a run. Gate and Ledger may be nil.
type Options struct {
	Gate   *policy.Gate
	Ledger *exception.Ledger
	// Facts returns the image facts for the final decision (signatures,
	// labels); called after all stages ran.
	Facts func() policy.Facts
	// FailFast stops starting stages once one fails or errors.
	FailFast bool
	// Events, if set, receives stage events (called from several goroutines,
	// one at a time).
	Events func(Event)
	// Now is the clock; zero means time.Now.
	Now func() time.Time
	// Target describes what the pipeline ran on.
	Target finding.Target
}

// Run is the outcome of a pipeline.
type Run struct {
	Stages []Outcome
	Result finding.Result // every stage's findings, exceptions applied, decision set
}

// Execute runs the stages. It returns an error only for a malformed pipeline
// (unknown or cyclic needs, policy evaluation failure); stage errors are
// outcomes, and they fail the decision.
func Execute(ctx context.Context, stages []Stage, opts Options) (*Run, error) {
	if err := validate(stages); err != nil {
		return nil, err
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	r := &runner{opts: opts, now: now, stages: stages, doneCh: map[string]chan struct{}{},
		done: map[string]*Outcome{}, results: map[string]*finding.Result{}}
	for _, s := range stages {
		r.doneCh[s.Name] = make(chan struct{})
	}
	r.runPhase(ctx, func(s Stage) bool { return !s.AfterGate })
	if r.gatePasses() {
		r.runPhase(ctx, func(s Stage) bool { return s.AfterGate })
	} else {
		for _, s := range stages {
			if s.AfterGate {
				r.finish(s.Name, &Outcome{Stage: s.Name, Status: StatusSkipped, Detail: "the policy failed"})
			}
		}
	}
	return r.result()
}

type runner struct {
	opts   Options
	now    func() time.Time
	stages []Stage

	doneCh  map[string]chan struct{} // closed when the stage has an outcome
	eventMu sync.Mutex

	mu      sync.Mutex
	done    map[string]*Outcome
	results map[string]*finding.Result
	stop    bool // fail-fast triggered
}

// runPhase runs the selected stages, each in its own goroutine as soon as
// the stages it needs are done. Stages needed from an earlier phase are done
// already.
func (r *runner) runPhase(ctx context.Context, selected func(Stage) bool) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for _, s := range r.stages {
		if !selected(s) {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, n := range s.Needs {
				<-r.doneCh[n]
			}
			r.mu.Lock()
			stop, blocked := r.stop, r.blockedBy(s)
			r.mu.Unlock()
			switch {
			case stop:
				r.finish(s.Name, &Outcome{Stage: s.Name, Status: StatusSkipped, Detail: "fail-fast: an earlier stage failed"})
			case blocked != "":
				r.finish(s.Name, &Outcome{Stage: s.Name, Status: StatusSkipped, Detail: "needs " + blocked + ", which did not succeed"})
			default:
				r.runStage(ctx, s, cancel)
			}
		}()
	}
	wg.Wait()
}

// blockedBy names a needed stage that did not succeed, or "".
func (r *runner) blockedBy(s Stage) string {
	for _, n := range s.Needs {
		if o := r.done[n]; o.Status == StatusError || o.Status == StatusSkipped {
			return n
		}
	}
	return ""
}

func (r *runner) runStage(ctx context.Context, s Stage, cancel context.CancelFunc) {
	r.event(Event{Stage: s.Name, Started: true})
	start := r.now()
	res, err := s.Run(ctx)
	o := &Outcome{Stage: s.Name, Duration: r.now().Sub(start)}
	switch {
	case err != nil:
		o.Status, o.Detail = StatusError, err.Error()
	default:
		if res == nil {
			res = &finding.Result{}
		}
		o.Status = StatusPassed
		if pass, reasons := r.stagePasses(res); !pass {
			o.Status = StatusFailed
			o.Detail = reasons
		}
		o.Findings = finding.Summarize(res.Findings).Total()
	}
	r.mu.Lock()
	if res != nil {
		r.results[s.Name] = res
	}
	if r.opts.FailFast && o.Status != StatusPassed {
		r.stop = true
		cancel()
	}
	r.mu.Unlock()
	r.finish(s.Name, o)
}

// stagePasses applies exceptions and the policy to one stage's findings, so
// fail-fast can stop at the first failing stage.
func (r *runner) stagePasses(res *finding.Result) (bool, string) {
	if r.opts.Gate == nil {
		return true, ""
	}
	tmp := finding.Result{Target: r.opts.Target, Findings: append([]finding.Finding(nil), res.Findings...)}
	r.opts.Ledger.Apply(&tmp, r.now())
	d, err := r.opts.Gate.Evaluate(&tmp, policy.Facts{}, r.now())
	if err != nil {
		return false, err.Error()
	}
	if !d.Pass {
		return false, fmt.Sprintf("%d policy violation(s), first: %s", len(d.Reasons), d.Reasons[0])
	}
	return true, ""
}

// gatePasses reports whether the gate stages may run: nothing failed so far.
func (r *runner) gatePasses() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, o := range r.done {
		if o.Status != StatusPassed {
			return false
		}
	}
	return true
}

// finish records a stage's outcome, reports it and wakes the stages that need it.
func (r *runner) finish(name string, o *Outcome) {
	r.mu.Lock()
	r.done[name] = o
	r.mu.Unlock()
	r.event(Event{Stage: name, Outcome: o})
	close(r.doneCh[name])
}

func (r *runner) event(e Event) {
	if r.opts.Events == nil {
		return
	}
	r.eventMu.Lock()
	defer r.eventMu.Unlock()
	r.opts.Events(e)
}

// result merges every stage's findings, applies exceptions once and decides.
func (r *runner) result() (*Run, error) {
	run := &Run{Result: finding.Result{Target: r.opts.Target, Findings: []finding.Finding{}}}
	for _, s := range r.stages {
		o := r.done[s.Name]
		run.Stages = append(run.Stages, *o)
		res := r.results[s.Name]
		if res == nil {
			continue
		}
		run.Result.Findings = append(run.Result.Findings, res.Findings...)
		run.Result.Rules = append(run.Result.Rules, res.Rules...)
		run.Result.Notes = append(run.Result.Notes, res.Notes...)
		run.Result.Sources = append(run.Result.Sources, res.Sources...)
	}
	r.opts.Ledger.Apply(&run.Result, r.now())
	d := finding.Decision{Pass: true, Reasons: []string{}}
	if r.opts.Gate != nil {
		var facts policy.Facts
		if r.opts.Facts != nil {
			facts = r.opts.Facts()
		}
		var err error
		if d, err = r.opts.Gate.Evaluate(&run.Result, facts, r.now()); err != nil {
			return nil, err
		}
	}
	for _, o := range run.Stages {
		if o.Status == StatusError {
			d.Pass = false
			d.Reasons = append(d.Reasons, fmt.Sprintf("stage %s could not run: %s", o.Stage, o.Detail))
		}
	}
	run.Result.Decision = d
	run.Result.Normalize()
	return run, nil
}

// validate rejects unknown, duplicate and cyclic needs before anything runs.
func validate(stages []Stage) error {
	byName := map[string]Stage{}
	for _, s := range stages {
		if s.Name == "" || s.Run == nil {
			return errors.New("pipeline: a stage needs a name and a Run function")
		}
		if _, dup := byName[s.Name]; dup {
			return fmt.Errorf("pipeline: stage %s is defined twice", s.Name)
		}
		byName[s.Name] = s
	}
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(string, []string) error
	visit = func(n string, path []string) error {
		switch state[n] {
		case 1:
			return fmt.Errorf("pipeline: stages need each other in a cycle: %v", append(path, n))
		case 2:
			return nil
		}
		state[n] = 1
		for _, dep := range byName[n].Needs {
			d, ok := byName[dep]
			if !ok {
				return fmt.Errorf("pipeline: stage %s needs %s, which is not configured", n, dep)
			}
			if d.AfterGate && !byName[n].AfterGate {
				return fmt.Errorf("pipeline: stage %s cannot need %s, which runs after the gate", n, dep)
			}
			if err := visit(dep, append(path, n)); err != nil {
				return err
			}
		}
		state[n] = 2
		return nil
	}
	for _, s := range stages {
		if err := visit(s.Name, nil); err != nil {
			return err
		}
	}
	return nil
}
