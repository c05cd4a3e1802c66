package welfare

import (
	"math"
	"math/bits"
	"sync"
	"sync/atomic"
)

// SortFloats sorts x in ascending order, using buf (len(buf) ≥ len(x)) as
// scratch: SortFloatsParallel on one goroutine.
func SortFloats(x, buf []float64) { SortFloatsParallel(x, buf, 1) }

// The radix passes' digits: 10 bits, whose 1,024 counters and write
// positions stay in a core's first-level cache (11-bit digits sorted a
// million incomes about 15% slower, in three passes as in four).
const (
	digitBits = 10
	digitSize = 1 << digitBits
)

// sortChunk is the span of keys one goroutine counts and scatters in
// SortFloatsParallel; fixed, so the work never depends on the workers.
const sortChunk = 1 << 17

// SortFloatsParallel sorts x in ascending order on up to workers
// goroutines (all exit before it returns), using buf (len(buf) ≥ len(x)) as
// scratch. NaNs sort after +Inf, −0 before +0; the result, a permutation of
// x in that order, is the same bit for bit for any number of workers.
//
// It is an LSD radix sort on the keys' bits (sortKey) above their minimum,
// and sorts only as many of those bits as the data need. The keys of n
// values span L bits; a window of the top W of them (W a multiple of the
// digit, at least 30 and at least log₂ n + L − 52, which is n cells or more
// to every binade the values span) is sorted in W/10 passes, and an
// insertion pass then orders keys that share a cell of the window — floats
// within a relative 2^−27 of each other or closer, a few thousand among ten
// million lognormal incomes. Should the insertion pass need more than one
// move per key (the values crowd into a sliver of their range), the full L
// bits are sorted instead. Incomes spread over 20 binades take three
// passes, with zeros among them four.
//
// Each pass counts digits per span of sortChunk keys in parallel, gives
// every span its own offsets (spans in order, so the sort stays stable),
// and scatters the spans in parallel; the insertion pass runs per span in
// parallel, then across the spans' boundaries.
func SortFloatsParallel(x, buf []float64, workers int) {
	n := len(x)
	if n < 256 {
		insertionSort(x)
		return
	}
	if len(buf) < n {
		panic("welfare: SortFloatsParallel buffer too short")
	}
	s := sorter{x: x, buf: buf[:n], workers: workers, spans: (n + sortChunk - 1) / sortChunk}
	lo, hi := s.keyRange()
	if lo == hi {
		return // every key the same: x is sorted
	}
	span := bits.Len64(hi - lo)
	shift := windowShift(n, span)
	s.radix(lo, shift, span)
	if shift > 0 && !s.finish() {
		s.radix(lo, 0, span)
	}
}

// windowShift is the lowest key bit the first radix sort of n keys that
// span the given number of bits sorts on (see SortFloatsParallel).
func windowShift(n, span int) int {
	window := max(30, bits.Len(uint(n))+span-52)
	window = min((window+digitBits-1)/digitBits, (span+digitBits-1)/digitBits) * digitBits
	return max(span-window, 0)
}

// sorter is one SortFloatsParallel call's data and spans.
type sorter struct {
	x, buf         []float64
	workers, spans int
	hist           [][digitSize]int // per span: digit counts, then write positions
}

// each runs fn on every span, on up to s.workers goroutines.
func (s *sorter) each(fn func(sp, lo, hi int)) {
	n := len(s.x)
	if s.workers <= 1 || s.spans < 2 {
		for sp := range s.spans {
			fn(sp, sp*sortChunk, min((sp+1)*sortChunk, n))
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(s.workers, s.spans) {
		wg.Go(func() {
			for {
				sp := int(next.Add(1) - 1)
				if sp >= s.spans {
					return
				}
				fn(sp, sp*sortChunk, min((sp+1)*sortChunk, n))
			}
		})
	}
	wg.Wait()
}

// keyRange returns the least and greatest key of x.
func (s *sorter) keyRange() (lo, hi uint64) {
	los, his := make([]uint64, s.spans), make([]uint64, s.spans)
	s.each(func(sp, a, b int) { los[sp], his[sp] = keyBounds(s.x[a:b]) })
	lo, hi = los[0], his[0]
	for sp := range s.spans {
		lo, hi = min(lo, los[sp]), max(hi, his[sp])
	}
	return lo, hi
}

func keyBounds(x []float64) (lo, hi uint64) {
	lo, hi = math.MaxUint64, 0
	for _, f := range x {
		k := sortKey(f)
		lo, hi = min(lo, k), max(hi, k)
	}
	return lo, hi
}

// radix sorts s.x by the bits shift…top−1 of its keys less base, a digit
// a pass from the lowest; passes whose digit is the same for every key are
// skipped.
func (s *sorter) radix(base uint64, shift, top int) {
	if s.hist == nil {
		s.hist = make([][digitSize]int, s.spans)
	}
	src, dst := s.x, s.buf
	for sh := shift; sh < top; sh += digitBits {
		in, out, hist := src, dst, s.hist
		s.each(func(sp, lo, hi int) { countDigits(in[lo:hi], &hist[sp], base, uint(sh)) })
		if d := digit(in[0], base, uint(sh)); sameDigit(hist, d, len(in)) {
			continue
		}
		sum := 0
		for d := range digitSize {
			for sp := range hist {
				hist[sp][d], sum = sum, sum+hist[sp][d]
			}
		}
		s.each(func(sp, lo, hi int) { scatter(in[lo:hi], out, &hist[sp], base, uint(sh)) })
		src, dst = dst, src
	}
	if &src[0] != &s.x[0] {
		copy(s.x, src)
	}
}

// digit is f's digit at shift of its key less base.
func digit(f float64, base uint64, shift uint) uint64 {
	return ((sortKey(f) - base) >> shift) & (digitSize - 1)
}

// countDigits and scatter are a pass's loops over one span, as functions
// of their own: in the closures that call them the slices would be
// captured variables the compiler reloads after every store.
func countDigits(x []float64, h *[digitSize]int, base uint64, shift uint) {
	*h = [digitSize]int{}
	for _, f := range x {
		h[digit(f, base, shift)]++
	}
}

func scatter(x, dst []float64, pos *[digitSize]int, base uint64, shift uint) {
	for _, f := range x {
		d := digit(f, base, shift)
		dst[pos[d]] = f
		pos[d]++
	}
}

// sameDigit reports whether all n keys counted in hist have digit d.
func sameDigit(hist [][digitSize]int, d uint64, n int) bool {
	total := 0
	for sp := range hist {
		total += hist[sp][d]
	}
	return total == n
}

// finish completes a sort the radix passes left out of order only among
// keys that share a cell: an insertion pass in parallel, each span from its
// own start (its keys moved only within it), then across the spans'
// boundaries, where each boundary's first keys move left while they are
// out of order. It reports false, with s.x a permutation of its keys, once
// more keys than one a key have moved.
func (s *sorter) finish() bool {
	x, n := s.x, len(s.x)
	moved := make([]int, s.spans)
	s.each(func(sp, lo, hi int) {
		m, ok := finishSort(x[lo:hi], 0, hi-lo)
		if !ok {
			m = n + 1
		}
		moved[sp] = m
	})
	total := 0
	for _, m := range moved {
		total += m
	}
	for sp := 1; sp < s.spans && total <= n; sp++ {
		for j := sp * sortChunk; j < n && total <= n && sortKey(x[j]) < sortKey(x[j-1]); j++ {
			m, _ := finishSort(x[:j+1], j, j+1)
			total += m
		}
	}
	return total <= n
}

// finishSort sorts x[lo:hi] by the full key with insertion, given x[:hi]
// nearly sorted and x[:lo] sorted: it stops, reporting false, once it has
// moved more than hi − lo keys (x[:hi] then holds the same keys, in some
// order); else it returns the number of keys it moved and true.
func finishSort(x []float64, lo, hi int) (moves int, ok bool) {
	budget := hi - lo
	for i := max(lo, 1); i < hi; i++ {
		v := x[i]
		k := sortKey(v)
		j := i
		for j > 0 && sortKey(x[j-1]) > k {
			x[j] = x[j-1]
			j--
		}
		x[j] = v
		if moves += i - j; moves > budget {
			return moves, false
		}
	}
	return moves, true
}

func insertionSort(x []float64) {
	for i := 1; i < len(x); i++ {
		for j := i; j > 0 && less(x[j], x[j-1]); j-- {
			x[j], x[j-1] = x[j-1], x[j]
		}
	}
}

// less orders like SortFloats: NaN last, −0 before +0.
func less(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return !math.IsNaN(a) && math.IsNaN(b)
	}
	if a == b {
		return math.Signbit(a) && !math.Signbit(b)
	}
	return a < b
}

// sortKey maps a float to a uint64 whose unsigned order is the float order:
// the sign bit of positives flipped, every bit of negatives.
func sortKey(f float64) uint64 {
	b := math.Float64bits(f)
	if b>>63 == 1 {
		return ^b
	}
	return b | 1<<63
}
