package cli

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sluice-dev/sluice/progress"
)

// byteProgress shows on a terminal how many bytes the layers have
// decompressed so far, on one line it rewrites, and erases it when done.
type byteProgress struct {
	w     io.Writer
	label string
	bytes atomic.Int64
	tasks atomic.Int64
	stop  chan struct{}
	wg    sync.WaitGroup
}

// startByteProgress returns a reporter drawing on w, or progress.Nop and a
// no-op stop when progress must not be shown (not a terminal, -q, --no-progress).
func (a *app) startByteProgress(w io.Writer, label string) (progress.Reporter, func()) {
	if a.quiet || a.noProgress || !isTerminal(w) {
		return progress.Nop, func() {}
	}
	p := &byteProgress{w: w, label: label, stop: make(chan struct{})}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				fmt.Fprint(p.w, "\r\033[K")
				return
			case <-t.C:
				fmt.Fprintf(p.w, "\r\033[K%s: %s decompressed, %d layers in progress", p.label, humanBytes(p.bytes.Load()), p.tasks.Load())
			}
		}
	}()
	return p, func() { close(p.stop); p.wg.Wait() }
}

func (p *byteProgress) Task(string, int64) progress.Task {
	p.tasks.Add(1)
	return &byteTask{p: p}
}

type byteTask struct {
	p    *byteProgress
	done atomic.Bool
}

func (t *byteTask) Add(n int64) { t.p.bytes.Add(n) }
func (t *byteTask) Done() {
	if t.done.CompareAndSwap(false, true) {
		t.p.tasks.Add(-1)
	}
}
