// Package progress is the tiny interface engines report long work into. It
// draws nothing: the CLI decides whether a terminal shows a bar, and under CI,
// with -q or --no-progress, reports go to Nop.
package progress

// Reporter starts tasks. Implementations must be safe for concurrent use:
// engines report from several goroutines (one per layer or file batch).
type Reporter interface {
	// Task starts a unit of work. total is in the task's own units (bytes,
	// files, records); 0 means unknown.
	Task(name string, total int64) Task
}

// Task is one unit of work in progress.
type Task interface {
	// Add records n more units done.
	Add(n int64)
	// Done ends the task.
	Done()
}

// Nop is a Reporter that ignores everything; engines use it when their
// Options carry no Reporter.
var Nop Reporter = nop{}

type nop struct{}

func (nop) Task(string, int64) Task { return nop{} }
func (nop) Add(int64)               {}
func (nop) Done()                   {}

// OrNop returns r, or Nop when r is nil, so an Options zero value works.
func OrNop(r Reporter) Reporter {
	if r == nil {
		return Nop
	}
	return r
}
