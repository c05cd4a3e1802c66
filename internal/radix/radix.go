// Package radix sorts float64s by their bits, least significant digit
// first, in linear time and in parallel; the engine's rank sums and the
// set-up's skill sort use it.
package radix

import (
	"math"
	"math/bits"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Floats sorts x in ascending order, using buf (len(buf) ≥ len(x)) as
// scratch: FloatsParallel on one goroutine.
func Floats(x, buf []float64) { FloatsParallel(x, buf, 1) }

// FloatsParallel sorts x in ascending order on up to workers
// goroutines, using buf (len(buf) ≥ len(x)) as scratch: SortedCopy(x, x,
// buf, workers).
func FloatsParallel(x, buf []float64, workers int) { SortedCopy(x, x, buf, workers) }

// The radix passes' digits: 10 bits, whose 1,024 counters and write
// positions stay in a core's first-level cache, where 11-bit digits' do
// not.
const (
	digitBits = 10
	digitSize = 1 << digitBits
)

// sortChunk is the span of values one goroutine counts and scatters; fixed,
// so the work never depends on the workers.
const sortChunk = 1 << 17

// bucketGroups is how many groups of consecutive buckets the goroutines
// take in turn in the second phase (more than workers, for balance: the
// buckets of a lognormal's mode hold many times the average).
const bucketGroups = 64

// SortedCopy writes src in ascending order to dst (len(dst) = len(src);
// dst may be src) on up to workers goroutines (all exit before it
// returns), using buf (len(buf) ≥ len(src)) as scratch. −0 sorts before
// +0; a NaN after +Inf, or before −Inf if its sign bit is set. The result
// is the same bit for bit for any number of workers (it is the sorted
// order; nothing else depends on them).
//
// It is a radix sort on the values' keys (sortKey) less their minimum,
// and sorts only as many of their bits as the data need. The keys of n
// values span L bits; the sort orders the top W of them, W a multiple of
// the 10-bit digit, at least 30 and at least log₂ n + L − 52 (n cells or
// more to every binade the values span): first by the top digit, each
// value's key scattered by it (1,024 buckets, counted and scattered in
// parallel spans of src); then bucket by bucket, each small enough to stay
// in cache, by the window's lower digits (least significant first),
// finished by an insertion pass for keys that share a cell of the window —
// floats within a relative 2^−26 or so among incomes over 20 binades — and
// written to dst as floats. A bucket whose insertion pass needs more than
// one move a key (values crowded into a sliver of the range) is sorted on
// all its bits instead. Incomes spread over 20 binades take three digits,
// with zeros among them four; src is read three times, and each bucket
// once from memory.
//
// When dst does not overlap src and buf can hold, for each goroutine, a
// scratch as long as the largest bucket, the keys are scattered into dst
// itself and each bucket sorted between its place in dst and its
// goroutine's scratch, in cache: buf is touched only in those scratches —
// for a million lognormal incomes about 1% of it, so the rest of a fresh
// buffer never needs memory — and the sort into a copy is faster
// (BenchmarkSort). Otherwise (in place, or a bucket holding most of the
// values) the keys go through buf and each bucket is sorted between buf
// and dst.
func SortedCopy(dst, src, buf []float64, workers int) {
	SortedCopyIn(dst, src, buf, workers, math.NaN(), math.NaN())
}

// SortedCopyIn is SortedCopy for a caller that knows bounds on src: lo at
// most its least value and hi at least its greatest (in sortKey's order:
// −0 below +0), which spares the sort its first read of src. Bounds that
// are loose give the same result, more slowly the looser they are; NaN
// for either, or lo above hi, means none is known. Bounds that do not
// hold otherwise give a wrong order.
func SortedCopyIn(dst, src, buf []float64, workers int, lo, hi float64) {
	s := newSorter(dst, src, buf, workers)
	if !math.IsNaN(lo) && !math.IsNaN(hi) && sortKey(lo) <= sortKey(hi) {
		s.lo, s.hi, s.known = sortKey(lo), sortKey(hi), true
	}
	s.sort()
}

// sorter is one SortedCopy call's data and spans, and what the test of its
// paths reads: the keys its insertion passes moved and the buckets that
// needed all their bits.
type sorter struct {
	dst, src, buf  []float64
	workers, spans int
	lo, hi         uint64 // bounds on the keys, when known
	known          bool
	direct         bool // the keys scattered into dst, buf only the buckets' scratch
	moves, full    atomic.Int64
}

func newSorter(dst, src, buf []float64, workers int) *sorter {
	n := len(src)
	if len(dst) != n {
		panic("welfare: SortedCopy destination of another length")
	}
	if len(buf) < n {
		panic("welfare: SortedCopy buffer too short")
	}
	return &sorter{dst: dst, src: src, buf: buf[:n], workers: workers, spans: (n + sortChunk - 1) / sortChunk}
}

func (s *sorter) sort() {
	n := len(s.src)
	if n < 256 {
		copy(s.dst, s.src)
		insertionSort(s.dst)
		return
	}
	lo, hi := s.lo, s.hi
	if !s.known {
		lo, hi = s.keyRange()
	}
	if lo == hi {
		copy(s.dst, s.src) // every key the same: sorted
		return
	}
	span := bits.Len64(hi - lo)
	shift := windowShift(n, span)
	top := max(span-digitBits, 0) // the top digit's lowest bit
	hist, starts := s.topCounts(lo, uint(top))
	// Where the keys go: into dst itself when it does not overlap src and
	// buf can give every goroutine a scratch as long as the largest bucket
	// (the direct mode); else into buf, the buckets sorted between it and
	// dst.
	largest := 0
	for d := range digitSize {
		largest = max(largest, starts[d+1]-starts[d])
	}
	goroutines := min(max(s.workers, 1), bucketGroups)
	s.direct = !overlap(s.dst, s.src) && goroutines*largest <= len(s.buf)
	keys := asKeys(s.buf)
	if s.direct {
		keys = asKeys(s.dst)
	}
	s.eachSpan(func(sp, a, b int) { scatterKeys(s.src[a:b], keys, &hist[sp], lo, uint(top)) })
	each(s.workers, bucketGroups, func(w, g int) {
		var count [digitSize]int
		for d := g * digitSize / bucketGroups; d < (g+1)*digitSize/bucketGroups; d++ {
			a, b := starts[d], starts[d+1]
			other := asKeys(s.dst[a:b])
			if s.direct {
				other = asKeys(s.buf[w*largest : w*largest+b-a])
			}
			s.sortBucket(keys[a:b], other, s.dst[a:b], lo, shift, top, &count)
		}
	})
}

// windowShift is the lowest key bit the sort of n keys that span the given
// number of bits orders on (see SortedCopy).
func windowShift(n, span int) int {
	window := max(30, bits.Len(uint(n))+span-52)
	window = min((window+digitBits-1)/digitBits, (span+digitBits-1)/digitBits) * digitBits
	return max(span-window, 0)
}

// each runs fn(w, 0) … fn(w, tasks−1) on up to workers goroutines, w
// the index of the goroutine that runs the task (0 … min(workers, tasks)−1;
// 0 for all when they run in turn).
func each(workers, tasks int, fn func(w, t int)) {
	if workers <= 1 || tasks < 2 {
		for t := range tasks {
			fn(0, t)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range min(workers, tasks) {
		wg.Go(func() {
			for {
				t := int(next.Add(1) - 1)
				if t >= tasks {
					return
				}
				fn(w, t)
			}
		})
	}
	wg.Wait()
}

// eachSpan runs fn on every span of src.
func (s *sorter) eachSpan(fn func(sp, lo, hi int)) {
	n := len(s.src)
	each(s.workers, s.spans, func(_, sp int) { fn(sp, sp*sortChunk, min((sp+1)*sortChunk, n)) })
}

// keyRange returns the least and greatest key of src.
func (s *sorter) keyRange() (lo, hi uint64) {
	los, his := make([]uint64, s.spans), make([]uint64, s.spans)
	s.eachSpan(func(sp, a, b int) { los[sp], his[sp] = keyBounds(s.src[a:b]) })
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

// topCounts counts src's keys less base by their digit at shift, span by
// span (countTop), and returns each span's write positions for the scatter (spans in
// order, so that within a bucket keys keep src's order) and where each
// bucket starts (and, last, len(src)).
func (s *sorter) topCounts(base uint64, shift uint) (pos [][digitSize]int, starts []int) {
	hist := make([][digitSize]int, s.spans)
	s.eachSpan(func(sp, a, b int) { countTop(s.src[a:b], &hist[sp], base, shift) })
	starts = make([]int, digitSize+1)
	sum := 0
	for d := range digitSize {
		starts[d] = sum
		for sp := range hist {
			hist[sp][d], sum = sum, sum+hist[sp][d]
		}
	}
	starts[digitSize] = sum
	return hist, starts
}

// countTop and scatterKeys are the first phase's loops over one span, as
// functions of their own: in the closures that call them the slices would
// be captured variables the compiler reloads after every store.
func countTop(x []float64, h *[digitSize]int, base uint64, shift uint) {
	for _, f := range x {
		h[((sortKey(f)-base)>>shift)&(digitSize-1)]++
	}
}

func scatterKeys(x []float64, dst []uint64, pos *[digitSize]int, base uint64, shift uint) {
	for _, f := range x {
		k := sortKey(f) - base
		d := (k >> shift) & (digitSize - 1)
		dst[pos[d]] = k
		pos[d]++
	}
}

// overlap reports whether a and b share memory.
func overlap(a, b []float64) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	pa, pb := uintptr(unsafe.Pointer(unsafe.SliceData(a))), uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	return pa < pb+uintptr(len(b))*8 && pb < pa+uintptr(len(a))*8
}

// asKeys is x's memory as keys: the sort's keys live in dst's and buf's
// memory until it writes dst's values.
func asKeys(x []float64) []uint64 {
	return unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(x))), len(x))
}

// sortBucket sorts keys — they share the digits from top up — and writes
// their values (of each key plus base) to out, which may be keys' memory:
// by the digits from shift to top, between keys and other (at least as
// long), then insertion; by all the digits below top should insertion give
// up. count is scratch.
func (s *sorter) sortBucket(keys, other []uint64, out []float64, base uint64, shift, top int, count *[digitSize]int) {
	other = other[:len(keys)]
	if len(keys) > 32 {
		keys, other = radixKeys(keys, other, shift, top, count)
	}
	moves, ok := insertKeys(keys)
	if !ok {
		s.full.Add(1)
		keys, _ = radixKeys(keys, other, 0, top, count)
		moves, _ = insertKeys(keys)
	}
	s.moves.Add(int64(moves))
	for i, k := range keys {
		out[i] = keyValue(k + base)
	}
}

// radixKeys sorts keys by their digits from shift to top, least
// significant first, between keys and other, and returns the one that
// holds the result, then the other.
func radixKeys(keys, other []uint64, shift, top int, count *[digitSize]int) ([]uint64, []uint64) {
	for sh := uint(shift); sh < uint(top); sh += digitBits {
		*count = [digitSize]int{}
		for _, k := range keys {
			count[(k>>sh)&(digitSize-1)]++
		}
		sum := 0
		for d := range digitSize {
			count[d], sum = sum, sum+count[d]
		}
		for _, k := range keys {
			d := (k >> sh) & (digitSize - 1)
			other[count[d]] = k
			count[d]++
		}
		keys, other = other, keys
	}
	return keys, other
}

// insertKeys sorts keys by insertion. Past 32 keys it gives up, reporting
// false, once it has moved more keys than there are (keys then holds the
// same keys in some order); else it returns the number of moves and true.
func insertKeys(keys []uint64) (moves int, ok bool) {
	budget := len(keys)
	for i := 1; i < len(keys); i++ {
		v := keys[i]
		j := i
		for j > 0 && keys[j-1] > v {
			keys[j] = keys[j-1]
			j--
		}
		keys[j] = v
		if moves += i - j; moves > budget && budget > 32 {
			return moves, false
		}
	}
	return moves, true
}

// insertionSort sorts x by sortKey, for short slices.
func insertionSort(x []float64) {
	for i := 1; i < len(x); i++ {
		for j := i; j > 0 && sortKey(x[j]) < sortKey(x[j-1]); j-- {
			x[j], x[j-1] = x[j-1], x[j]
		}
	}
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

// keyValue is the float whose sortKey is k.
func keyValue(k uint64) float64 {
	if k>>63 == 1 {
		return math.Float64frombits(k &^ (1 << 63))
	}
	return math.Float64frombits(^k)
}
