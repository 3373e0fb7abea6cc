package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/sluice-dev/sluice/progress"
)

// reporter returns where engines report progress: a one-line live display on
// stderr when it is a terminal, and nothing under CI (CI is set by GitLab,
// GitHub Actions, CodeBuild and most others), with -q or --no-progress.
func (a *app) reporter() progress.Reporter {
	if a.quiet || a.noProgress || os.Getenv("CI") != "" || !isTerminal(a.stdio.Err) {
		return progress.Nop
	}
	return newLineProgress(a.stdio.Err, 100*time.Millisecond)
}

// lineProgress draws every running task on one line, rewritten in place at
// most once per interval, and erased when the last task ends.
type lineProgress struct {
	mu       sync.Mutex
	w        io.Writer
	interval time.Duration
	tasks    []*lineTask
	drawn    time.Time
	width    int // columns of the last line drawn
}

type lineTask struct {
	p     *lineProgress
	name  string
	total int64
	done  int64
}

func newLineProgress(w io.Writer, interval time.Duration) *lineProgress {
	return &lineProgress{w: w, interval: interval}
}

func (p *lineProgress) Task(name string, total int64) progress.Task {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := &lineTask{p: p, name: name, total: total}
	p.tasks = append(p.tasks, t)
	p.draw(true)
	return t
}

func (t *lineTask) Add(n int64) {
	t.p.mu.Lock()
	defer t.p.mu.Unlock()
	t.done += n
	t.p.draw(false)
}

func (t *lineTask) Done() {
	p := t.p
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, x := range p.tasks {
		if x == t {
			p.tasks = append(p.tasks[:i], p.tasks[i+1:]...)
			break
		}
	}
	if len(p.tasks) == 0 {
		p.clear()
		return
	}
	p.draw(true)
}

// maxLine keeps the line within a standard terminal so it never wraps.
const maxLine = 79

func (p *lineProgress) draw(force bool) {
	now := time.Now()
	if !force && now.Sub(p.drawn) < p.interval {
		return
	}
	p.drawn = now
	parts := make([]string, 0, len(p.tasks))
	for _, t := range p.tasks {
		parts = append(parts, t.String())
	}
	line := strings.Join(parts, " | ")
	if len(line) > maxLine {
		line = line[:maxLine-1] + "…"
	}
	pad := ""
	if n := p.width - len(line); n > 0 {
		pad = strings.Repeat(" ", n)
	}
	fmt.Fprintf(p.w, "\r%s%s", line, pad)
	p.width = len(line)
}

func (p *lineProgress) clear() {
	if p.width > 0 {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.width))
		p.width = 0
	}
}

func (t *lineTask) String() string {
	if t.total > 0 {
		return fmt.Sprintf("%s %d%%", t.name, t.done*100/t.total)
	}
	if t.done > 0 {
		return fmt.Sprintf("%s %d", t.name, t.done)
	}
	return t.name
}
