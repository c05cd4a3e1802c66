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
//
// The radix passes skip the key's lowest lowDigits digits (22 of the 64
// bits, the last ones of the mantissa), which leaves out of order only keys
// that agree in their top 42 bits — floats within a relative 2^−30 of each
// other, a handful among a million incomes — and an insertion pass then
// finishes the sort. Should the insertion pass need more than one move per
// key (keys that differ only in those bits), the full radix sort runs
// instead; either way the result is the sorted x.
func SortFloats(x, buf []float64) {
	n := len(x)
	if n < 256 {
		insertionSort(x)
		return
	}
	if len(buf) < n {
		panic("welfare: SortFloats buffer too short")
	}
	radixSerial(x, buf, lowDigits)
	if _, ok := finishSort(x, 0, n); !ok {
		radixSerial(x, buf, 0)
	}
}

// The radix sorts' digits: six of 11 bits cover the 64-bit keys.
const (
	digitBits = 11
	digitSize = 1 << digitBits
	digits    = 6
	// lowDigits is how many of the lowest digits the first radix sort
	// leaves to finishSort.
	lowDigits = 2
)

// radixSerial sorts x by its keys' digits from the first-th up (an LSD
// radix sort, x fully sorted when first is 0; else in order of the keys'
// bits above the first digits).
func radixSerial(x, buf []float64, first int) {
	n := len(x)
	var counts [digits][digitSize]int
	for _, f := range x {
		k := sortKey(f)
		for p := first; p < digits; p++ {
			counts[p][(k>>(p*digitBits))&(digitSize-1)]++
		}
	}
	src, dst := x, buf[:n]
	for p := first; p < digits; p++ {
		c := &counts[p]
		if c[(sortKey(src[0])>>(p*digitBits))&(digitSize-1)] == n {
			continue // every key has the same digit here
		}
		sum := 0
		for d := range digitSize {
			c[d], sum = sum, sum+c[d]
		}
		shift := p * digitBits
		for _, f := range src {
			d := (sortKey(f) >> shift) & (digitSize - 1)
			dst[c[d]] = f
			c[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &x[0] {
		copy(x, src)
	}
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
	hist := make([][digitSize]int, spans)
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
	radix := func(first int) {
		src, dst := x, buf[:n]
		for p := first; p < digits; p++ {
			shift := p * digitBits
			each(func(s, lo, hi int) {
				h := &hist[s]
				*h = [digitSize]int{}
				for _, f := range src[lo:hi] {
					h[(sortKey(f)>>shift)&(digitSize-1)]++
				}
			})
			if d := (sortKey(src[0]) >> shift) & (digitSize - 1); sameDigit(hist, d, n) {
				continue // every key has the same digit here
			}
			sum := 0
			for d := range digitSize {
				for s := range spans {
					hist[s][d], sum = sum, sum+hist[s][d]
				}
			}
			each(func(s, lo, hi int) {
				h := &hist[s]
				for _, f := range src[lo:hi] {
					d := (sortKey(f) >> shift) & (digitSize - 1)
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
	radix(lowDigits)
	// The insertion pass in parallel, each span from its own start (its
	// keys moved only within it), then across the spans' boundaries: each
	// boundary's first keys move left while they are out of order.
	moved := make([]int, spans)
	each(func(s, lo, hi int) {
		m, ok := finishSort(x[lo:hi], 0, hi-lo)
		if !ok {
			m = n + 1
		}
		moved[s] = m
	})
	total := 0
	for _, m := range moved {
		total += m
	}
	for s := 1; s < spans && total <= n; s++ {
		for j := s * sortChunk; j < n && total <= n && sortKey(x[j]) < sortKey(x[j-1]); j++ {
			m, _ := finishSort(x[:j+1], j, j+1)
			total += m
		}
	}
	if total > n {
		radix(0)
	}
}

// sameDigit reports whether all n keys counted in hist have digit d.
func sameDigit(hist [][digitSize]int, d uint64, n int) bool {
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
