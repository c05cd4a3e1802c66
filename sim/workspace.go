package sim

import (
	"math"
	"sync"
	"sync/atomic"

	"github.com/econsim/econsim/internal/radix"
)

// workspace is how the population is split into chunks and the buffers a
// round reuses.
type workspace struct {
	n       int // agents
	workers int // goroutines
	nChunks int
	parts   []chunkSums
	scratch []float64 // sort buffer, allocated on first need
	radix   []float64 // the radix sort's second buffer (mostly untouched when it sorts into scratch)
	// rankSums's runs of sorted incomes by bracket and their sums by chunk
	runStarts []int
	runSums   []float64
}

// parallel calls fn for every chunk, on up to w.workers goroutines that all
// exit before it returns. Chunk c covers agents [c·ChunkSize, (c+1)·ChunkSize).
func (w *workspace) parallel(fn func(c, lo, hi int)) {
	n, chunks := w.n, w.nChunks
	span := func(c int) (int, int) { return c * ChunkSize, min((c+1)*ChunkSize, n) }
	g := min(w.workers, chunks)
	if g <= 1 {
		for c := range chunks {
			lo, hi := span(c)
			fn(c, lo, hi)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range g {
		wg.Go(func() {
			for {
				c := int(next.Add(1) - 1)
				if c >= chunks {
					return
				}
				lo, hi := span(c)
				fn(c, lo, hi)
			}
		})
	}
	wg.Wait()
}

// sortedCopy sorts x into the scratch buffer (radix.SortedCopy, with a
// second buffer, of which a copy's sort touches only a bucket-sized part
// per goroutine; both are allocated on first need and reused).
func (w *workspace) sortedCopy(x []float64) []float64 {
	return w.sortedCopyIn(x, math.NaN(), math.NaN())
}

// sortedCopyIn is sortedCopy given bounds on x (radix.SortedCopyIn; NaN
// when they are not known).
func (w *workspace) sortedCopyIn(x []float64, lo, hi float64) []float64 {
	if cap(w.scratch) < len(x) {
		w.scratch = make([]float64, len(x))
		w.radix = make([]float64, len(x))
	}
	s := w.scratch[:len(x)]
	radix.SortedCopyIn(s, x, w.radix, w.workers, lo, hi)
	return s
}
