package welfare

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortFloats against slices.Sort on random data of many shapes,
// including negatives, zeros of both signs, infinities and long runs of
// equal values.
func TestSortFloats(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	gens := map[string]func() float64{
		"lognormal":  func() float64 { return math.Exp(r.NormFloat64() * 3) },
		"mixed sign": func() float64 { return r.NormFloat64() * 1e6 },
		"few values": func() float64 { return float64(r.IntN(5)) },
		"specials": func() float64 {
			return []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), 1, -1, 5e-324}[r.IntN(7)]
		},
		"with NaN": func() float64 { // NaN sorts last
			if r.IntN(50) == 0 {
				return math.NaN()
			}
			return math.Exp(r.NormFloat64())
		},
	}
	for name, g := range gens {
		for _, n := range []int{0, 1, 7, 255, 256, 1000, 100000} {
			x := make([]float64, n)
			for i := range x {
				x[i] = g()
			}
			want := sortedByLess(x)
			SortFloats(x, make([]float64, n))
			for i := range x {
				if math.Float64bits(x[i]) != math.Float64bits(want[i]) {
					t.Fatalf("%s n=%d: position %d is %v, want %v", name, n, i, x[i], want[i])
				}
			}
		}
	}
}

func BenchmarkSort(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, 1_000_000)
	for i := range x {
		x[i] = math.Exp(r.NormFloat64())
	}
	y, buf := make([]float64, len(x)), make([]float64, len(x))
	b.Run("radix", func(b *testing.B) {
		for b.Loop() {
			copy(y, x)
			SortFloats(y, buf)
		}
	})
	b.Run("radix, 2 workers", func(b *testing.B) {
		for b.Loop() {
			copy(y, x)
			SortFloatsParallel(y, buf, 2)
		}
	})
	b.Run("slices.Sort", func(b *testing.B) {
		for b.Loop() {
			copy(y, x)
			slices.Sort(y)
		}
	})
}

// TestSortFloatsParallel: the parallel sort gives SortFloats's result bit
// for bit (−0 and +0 told apart), for any number of workers and sizes that
// straddle its spans.
func TestSortFloatsParallel(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 1000, sortChunk, sortChunk + 1, 3*sortChunk + 17} {
		x := make([]float64, n)
		for i := range x {
			switch i % 7 {
			case 0:
				x[i] = math.Copysign(0, -1)
			case 1:
				x[i] = 0
			case 2:
				x[i] = float64(r.IntN(3)) // ties
			default:
				x[i] = r.NormFloat64() * 1e4
			}
		}
		want := slices.Clone(x)
		SortFloats(want, make([]float64, n))
		for _, w := range []int{1, 2, 3, 8} {
			got := slices.Clone(x)
			SortFloatsParallel(got, make([]float64, n), w)
			for i := range got {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("n=%d workers=%d: element %d is %v, want %v", n, w, i, got[i], want[i])
				}
			}
		}
	}
}

// The radix passes leave the keys' lowest 22 bits to an insertion pass;
// these inputs make that pass work — keys out of order only in those bits
// within a span and across the spans' boundaries (the parallel sort's
// serial fix-up), and keys that differ only in those bits (more than one
// move per key: the full radix sort takes over). Both sorts against
// slices.SortFunc with less, bit for bit.
func TestSortLowBits(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	n := 3*sortChunk + 17
	shapes := map[string][]float64{}
	near := make([]float64, n) // ascending but for pairs one ulp apart, swapped
	for i := range near {
		near[i] = float64(i + 1)
	}
	for _, b := range []int{5, sortChunk, 2 * sortChunk, 2*sortChunk + 1000} {
		near[b], near[b-1] = near[b-1], math.Nextafter(near[b-1], math.Inf(1))
	}
	shapes["swapped neighbours"] = near
	low := make([]float64, n) // only the lowest 22 bits differ
	for i := range low {
		low[i] = 1 + float64(r.IntN(1<<22))*0x1p-52
	}
	shapes["low bits only"] = low
	rev := make([]float64, n) // descending within the lowest 22 bits
	for i := range rev {
		rev[i] = 1 + float64(n-i)*0x1p-52
	}
	shapes["low bits descending"] = rev
	for name, x := range shapes {
		want := sortedByLess(x)
		check := func(how string, got []float64) {
			for i := range got {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("%s, %s: element %d is %v, want %v", name, how, i, got[i], want[i])
				}
			}
		}
		got := slices.Clone(x)
		SortFloats(got, make([]float64, n))
		check("SortFloats", got)
		for _, w := range []int{2, 3} {
			got := slices.Clone(x)
			SortFloatsParallel(got, make([]float64, n), w)
			check(fmt.Sprintf("%d workers", w), got)
		}
	}
}

// sortedByLess is a sorted copy of x by a comparison sort with less: the
// reference the radix sorts are checked against.
func sortedByLess(x []float64) []float64 {
	want := slices.Clone(x)
	slices.SortFunc(want, func(a, b float64) int {
		switch {
		case less(a, b):
			return -1
		case less(b, a):
			return 1
		}
		return 0
	})
	return want
}
