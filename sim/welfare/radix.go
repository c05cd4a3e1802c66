package welfare

import "math"

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
	// Map each float to a uint64 whose unsigned order is the float order:
	// flip the sign bit of positives, every bit of negatives.
	key := func(f float64) uint64 {
		b := math.Float64bits(f)
		if b>>63 == 1 {
			return ^b
		}
		return b | 1<<63
	}
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
