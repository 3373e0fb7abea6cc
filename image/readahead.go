package image

import (
	"io"
	"sync"
)

// readAhead decompresses in its own goroutine, a few buffers ahead of the
// reader, so a single large layer uses two cores: one inflating, one
// hashing, walking the tar and analysing files.
type readAhead struct {
	full  chan *chunk
	free  chan *chunk
	stop  chan struct{}
	once  sync.Once
	wg    sync.WaitGroup
	cur   *chunk
	err   error
	spent bool
}

type chunk struct {
	b   []byte
	n   int
	off int
	err error
}

const (
	readAheadChunk   = 512 << 10
	readAheadBuffers = 4
)

// chunkPool recycles buffers between layers: many small layers cost no
// fresh 2 MiB each.
var chunkPool = sync.Pool{New: func() any { return &chunk{b: make([]byte, readAheadChunk)} }}

func newReadAhead(r io.Reader) *readAhead {
	ra := &readAhead{
		full: make(chan *chunk, readAheadBuffers),
		free: make(chan *chunk, readAheadBuffers),
		stop: make(chan struct{}),
	}
	for range readAheadBuffers {
		ra.free <- chunkPool.Get().(*chunk)
	}
	ra.wg.Add(1)
	go func() {
		defer ra.wg.Done()
		defer close(ra.full)
		for {
			var c *chunk
			select {
			case c = <-ra.free:
			case <-ra.stop:
				return
			}
			c.n, c.off = 0, 0
			// Fill the chunk as far as possible: fewer, larger hand-offs.
			for c.n < len(c.b) && c.err == nil {
				var n int
				n, c.err = r.Read(c.b[c.n:])
				c.n += n
			}
			select {
			case ra.full <- c:
			case <-ra.stop:
				return
			}
			if c.err != nil {
				return
			}
		}
	}()
	return ra
}

func (ra *readAhead) Read(p []byte) (int, error) {
	for {
		if ra.cur != nil && ra.cur.off < ra.cur.n {
			n := copy(p, ra.cur.b[ra.cur.off:ra.cur.n])
			ra.cur.off += n
			return n, nil
		}
		if ra.cur != nil {
			if ra.cur.err != nil {
				ra.err = ra.cur.err
				ra.cur = nil
				ra.spent = true
			} else {
				ra.free <- ra.cur
				ra.cur = nil
			}
		}
		if ra.spent {
			return 0, ra.err
		}
		c, ok := <-ra.full
		if !ok {
			ra.spent = true
			if ra.err == nil {
				ra.err = io.ErrUnexpectedEOF
			}
			return 0, ra.err
		}
		ra.cur = c
	}
}

// Close stops the goroutine and waits for it; the underlying reader may be
// closed after.
func (ra *readAhead) Close() {
	ra.once.Do(func() {
		close(ra.stop)
		ra.wg.Wait()
		// The goroutine is gone: every chunk is in free, full or cur.
		recycle := func(c *chunk) {
			if c != nil {
				c.n, c.off, c.err = 0, 0, nil
				chunkPool.Put(c)
			}
		}
		recycle(ra.cur)
		ra.cur = nil
		for c := range ra.full {
			recycle(c)
		}
		for {
			select {
			case c := <-ra.free:
				recycle(c)
			default:
				return
			}
		}
	})
}
