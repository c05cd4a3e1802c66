package welfare

import (
	"math"
	"sync"
	"sync/atomic"
)

// SortFloats sorts x in ascending order with an LSD radix sort on the bits
// of the float64 keys (11-bit digits, passes whose digit is the same for
// every key skipped), using buf (len(buf) ≥ len(x)) as scratch. It is linear
// in len(x) and, for the millions of incomes the engine sorts when they do
// not come out in skill order, several times faster than a comparison sort.
// NaNs sort after +Inf; −0 before +0.
func SortFloats(x, buf []float64) {
	n := len(x)
	if n < 256 {
		insertionSort(x)
		return
	}
	if len(buf) < n {
		panic("welfare: SortFloats buffer too short")
	}
	key := sortKey
	const bits, size = 11, 1 << 11
	var counts [6][size]int
	for _, f := range x {
		k := key(f)
		for p := range 6 {
			counts[p][(k>>(p*bits))&(size-1)]++
		}
	}
	src, dst := x, buf[:n]
	for p := range 6 {
		c := &counts[p]
		if c[(key(src[0])>>(p*bits))&(size-1)] == n {
			continue // every key has the same digit here
		}
		sum := 0
		for d := range size {
			c[d], sum = sum, sum+c[d]
		}
		shift := p * bits
		for _, f := range src {
			d := (key(f) >> shift) & (size - 1)
			dst[c[d]] = f
			c[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &x[0] {
		copy(x, src)
	}
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

// sortChunk is the span of keys one goroutine counts and scatters in
// SortFloatsParallel; fixed, so the result never depends on the workers.
const sortChunk = 1 << 17

// SortFloatsParallel is SortFloats on up to workers goroutines (all exit
// before it returns): each pass counts digits per span of sortChunk keys in
// parallel, gives every span its own offsets (spans in order, so the sort
// stays stable), and scatters the spans in parallel. The result is SortFloats's,
// bit for bit, for any number of workers.
func SortFloatsParallel(x, buf []float64, workers int) {
	n := len(x)
	spans := (n + sortChunk - 1) / sortChunk
	if workers <= 1 || spans < 2 {
		SortFloats(x, buf)
		return
	}
	if len(buf) < n {
		panic("welfare: SortFloatsParallel buffer too short")
	}
	const bits, size = 11, 1 << 11
	hist := make([][size]int, spans)
	each := func(fn func(s, lo, hi int)) {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range min(workers, spans) {
			wg.Go(func() {
				for {
					s := int(next.Add(1) - 1)
					if s >= spans {
						return
					}
					fn(s, s*sortChunk, min((s+1)*sortChunk, n))
				}
			})
		}
		wg.Wait()
	}
	src, dst := x, buf[:n]
	for p := range 6 {
		shift := p * bits
		each(func(s, lo, hi int) {
			h := &hist[s]
			*h = [size]int{}
			for _, f := range src[lo:hi] {
				h[(sortKey(f)>>shift)&(size-1)]++
			}
		})
		if d := (sortKey(src[0]) >> shift) & (size - 1); sameDigit(hist, d, n) {
			continue // every key has the same digit here
		}
		sum := 0
		for d := range size {
			for s := range spans {
				hist[s][d], sum = sum, sum+hist[s][d]
			}
		}
		each(func(s, lo, hi int) {
			h := &hist[s]
			for _, f := range src[lo:hi] {
				d := (sortKey(f) >> shift) & (size - 1)
				dst[h[d]] = f
				h[d]++
			}
		})
		src, dst = dst, src
	}
	if &src[0] != &x[0] {
		copy(x, src)
	}
}

// sameDigit reports whether all n keys counted in hist have digit d.
func sameDigit(hist [][1 << 11]int, d uint64, n int) bool {
	total := 0
	for s := range hist {
		total += hist[s][d]
	}
	return total == n
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
