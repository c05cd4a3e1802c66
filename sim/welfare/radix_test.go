package welfare

import (
	"fmt"
	"math"
	"math/bits"
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

// The first radix sort orders a window of the keys' bits and leaves keys
// that share a cell of it to an insertion pass; these inputs make that pass
// work — keys out of order only below the window within a span and across
// the spans' boundaries (the serial fix-up) — or overwhelm it: keys that
// differ only below the window, a cluster beside a few far outliers, need
// more than one move a key and send the sort to its full passes. Each
// input is checked to take the path it is meant to, and the sorts (1–3
// workers) against slices.SortFunc with less, bit for bit.
func TestSortWindow(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	n := 3*sortChunk + 17
	near := make([]float64, n) // ascending but for pairs one ulp apart, swapped
	for i := range near {
		near[i] = float64(i + 1)
	}
	for _, b := range []int{5, sortChunk, 2 * sortChunk, 2*sortChunk + 1000} {
		near[b], near[b-1] = near[b-1], math.Nextafter(near[b-1], math.Inf(1))
	}
	crowd := make([]float64, n) // near 1 but for 0 and 1e300 here and there
	for i := range crowd {
		crowd[i] = 1 + float64(r.IntN(1<<22))*0x1p-52
	}
	rev := make([]float64, n) // descending within a cell, with the same outliers
	for i := range rev {
		rev[i] = 1 + float64(n-i)*0x1p-52
	}
	for _, x := range [][]float64{crowd, rev} {
		for i := 0; i < n; i += 5000 {
			x[i] = 0
			x[i+1] = 1e300
		}
	}
	for _, c := range []struct {
		name     string
		x        []float64
		finishes bool // the insertion pass completes the first sort
	}{{"swapped neighbours", near, true}, {"crowded cells", crowd, false}, {"descending in a cell", rev, false}} {
		want := sortedByLess(c.x)
		// The path: the window leaves x unsorted, and the insertion pass
		// sorts it or gives up.
		got := slices.Clone(c.x)
		s := sorter{x: got, buf: make([]float64, n), workers: 2, spans: (n + sortChunk - 1) / sortChunk}
		lo, hi := s.keyRange()
		span := bits.Len64(hi - lo)
		shift := windowShift(n, span)
		if shift == 0 {
			t.Fatalf("%s: the window covers all %d bits", c.name, span)
		}
		s.radix(lo, shift, span)
		if slices.IsSorted(got) {
			t.Fatalf("%s: sorted before the insertion pass", c.name)
		}
		if ok := s.finish(); ok != c.finishes {
			t.Fatalf("%s: insertion pass completed %v, want %v", c.name, ok, c.finishes)
		}
		check := func(how string, got []float64) {
			for i := range got {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("%s, %s: element %d is %v, want %v", c.name, how, i, got[i], want[i])
				}
			}
		}
		for _, w := range []int{1, 2, 3} {
			got := slices.Clone(c.x)
			SortFloatsParallel(got, make([]float64, n), w)
			check(fmt.Sprintf("%d workers", w), got)
		}
	}
}

// TestWindowShift: the window's width from the rule in SortFloatsParallel,
// worked by hand: at least 30 bits, at least log₂ n + span − 52 (rounded
// up to whole 10-bit digits), never more than the span.
func TestWindowShift(t *testing.T) {
	for _, c := range []struct{ n, span, shift int }{
		{1e6, 56, 26}, // 20 binades of incomes: 30 bits, three passes
		{1e7, 56, 26}, // bits.Len(1e7) = 24; 24 + 4 = 28 ≤ 30
		{1e6, 63, 23}, // zeros among them: 20 + 11 = 31 → 40 bits
		{1e7, 63, 23}, // 24 + 11 = 35 → 40
		{1e6, 64, 24}, // both signs: 20 + 12 = 32 → 40
		{1e9, 64, 14}, // bits.Len(1e9) = 30; 30 + 12 = 42 → 50
		{1e6, 30, 0},  // the whole key in the window
		{1e6, 22, 0},  // fewer bits than a window: all of them, in three passes
		{300, 58, 28}, // small n: still 30
	} {
		if got := windowShift(c.n, c.span); got != c.shift {
			t.Errorf("windowShift(%d, %d) = %d, want %d", c.n, c.span, got, c.shift)
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
