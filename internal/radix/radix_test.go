package radix

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
			Floats(x, make([]float64, n))
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
			Floats(y, buf)
		}
	})
	b.Run("radix, 2 workers", func(b *testing.B) {
		for b.Loop() {
			copy(y, x)
			FloatsParallel(y, buf, 2)
		}
	})
	b.Run("radix into a copy, 2 workers", func(b *testing.B) { // the engine's use: the direct mode
		for b.Loop() {
			SortedCopy(y, x, buf, 2)
		}
	})
	b.Run("slices.Sort", func(b *testing.B) {
		for b.Loop() {
			copy(y, x)
			slices.Sort(y)
		}
	})
}

// TestSortFloatsParallel: the parallel sort gives Floats's result bit
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
		Floats(want, make([]float64, n))
		for _, w := range []int{1, 2, 3, 8} {
			got := slices.Clone(x)
			FloatsParallel(got, make([]float64, n), w)
			for i := range got {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("n=%d workers=%d: element %d is %v, want %v", n, w, i, got[i], want[i])
				}
			}
		}
	}
}

// The sort orders a window of the keys' bits — the top digit, then each
// bucket's lower digits — and leaves keys that share a cell of it to an
// insertion pass per bucket; these inputs make that pass work (pairs one
// ulp apart, swapped, some on the spans' boundaries), or have nothing to do
// after the digits (shuffled lognormal values), or overwhelm it: keys
// that differ only below the window, a cluster beside a few far outliers,
// need more than one move a key and send their bucket to a sort on all its
// bits. Each input is checked to take the path it is meant to (the
// sorter's tallies), and the result against slices.SortFunc with less, bit
// for bit, on 1–3 goroutines, in place and into another slice.
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
	logn := make([]float64, n) // shuffled: the buckets' digit passes do the sorting
	for i := range logn {
		logn[i] = math.Exp(r.NormFloat64())
	}
	for _, c := range []struct {
		name     string
		x        []float64
		finishes bool // every bucket's insertion pass completes its sort
		moves    bool // after moving some keys
	}{{"swapped neighbours", near, true, true}, {"lognormal", logn, true, false},
		{"crowded cells", crowd, false, false}, {"descending in a cell", rev, false, false}} {
		want := sortedByLess(c.x)
		check := func(how string, got []float64) {
			for i := range got {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("%s, %s: element %d is %v, want %v", c.name, how, i, got[i], want[i])
				}
			}
		}
		got := make([]float64, n)
		s := newSorter(got, c.x, make([]float64, n), 2)
		s.sort()
		check("the sorter", got)
		moves, full := s.moves.Load(), s.full.Load()
		if c.finishes && full != 0 || c.moves && moves == 0 {
			t.Fatalf("%s: %d keys moved by insertion, %d buckets sorted on all bits", c.name, moves, full)
		}
		if !c.finishes && full == 0 {
			t.Fatalf("%s: no bucket sorted on all its bits", c.name)
		}
		for _, w := range []int{1, 2, 3} {
			got := slices.Clone(c.x)
			FloatsParallel(got, make([]float64, n), w)
			check(fmt.Sprintf("in place, %d workers", w), got)
			src := slices.Clone(c.x)
			SortedCopy(got, src, make([]float64, n), w)
			check(fmt.Sprintf("a copy, %d workers", w), got)
			if !slices.Equal(src, c.x) {
				t.Fatalf("%s: SortedCopy changed its source", c.name)
			}
		}
	}
}

// TestSortDirect: sorting into a slice other than the source, the keys go
// straight into it and buf serves only as each goroutine's bucket scratch
// — most of it never touched (here 90% or more stays as it was), so its
// pages need not exist — when buf holds a scratch as long as the largest
// bucket for every goroutine; otherwise (a bucket holding most values,
// with two goroutines), in place, and into a dst that overlaps src the
// keys go through buf. Either way the result is slices.SortFunc's bit for
// bit.
func TestSortDirect(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	n := 3*sortChunk + 17
	logn, crowd := make([]float64, n), make([]float64, n)
	for i := range logn {
		logn[i] = math.Exp(2 * r.NormFloat64())
		crowd[i] = 1 + float64(r.IntN(1<<22))*0x1p-52
		if i%5000 == 0 {
			crowd[i] = 1e300 // one far outlier in a few: nearly all values in one bucket
		}
	}
	sentinel := math.Float64frombits(0x7ff4dead0000beef) // a NaN no sort writes
	for _, c := range []struct {
		name    string
		x       []float64
		workers int
		inPlace bool
		direct  bool
	}{
		{"lognormal", logn, 1, false, true}, {"lognormal", logn, 2, false, true}, {"lognormal", logn, 3, false, true},
		{"lognormal in place", logn, 2, true, false},
		{"crowded", crowd, 1, false, true}, {"crowded", crowd, 2, false, false},
	} {
		want := sortedByLess(c.x)
		src := slices.Clone(c.x)
		dst := make([]float64, n)
		if c.inPlace {
			dst = src
		}
		buf := make([]float64, n)
		for i := range buf {
			buf[i] = sentinel
		}
		s := newSorter(dst, src, buf, c.workers)
		s.sort()
		for i := range dst {
			if math.Float64bits(dst[i]) != math.Float64bits(want[i]) {
				t.Fatalf("%s, %d workers: element %d is %v, want %v", c.name, c.workers, i, dst[i], want[i])
			}
		}
		if !c.inPlace && !slices.Equal(src, c.x) {
			t.Fatalf("%s: the sort changed its source", c.name)
		}
		if s.direct != c.direct {
			t.Fatalf("%s, %d workers: direct %v, want %v", c.name, c.workers, s.direct, c.direct)
		}
		untouched := 0
		for _, v := range buf {
			if math.Float64bits(v) == math.Float64bits(sentinel) {
				untouched++
			}
		}
		if c.direct && c.name == "lognormal" && untouched < n*9/10 {
			t.Errorf("%s, %d workers: %d of %d of buf untouched, want 90%% or more", c.name, c.workers, untouched, n)
		}
		if !c.direct && untouched != 0 {
			t.Errorf("%s, %d workers: %d of buf untouched, want none (the keys go through it)", c.name, c.workers, untouched)
		}
	}
	// dst overlapping src without being it: the keys go through buf
	back := make([]float64, n+1000)
	copy(back, logn)
	src, dst := back[:n], back[1000:]
	s := newSorter(dst, src, make([]float64, n), 2)
	s.sort()
	if s.direct {
		t.Fatal("overlapping dst and src: the direct mode")
	}
	want := sortedByLess(logn)
	for i := range dst {
		if math.Float64bits(dst[i]) != math.Float64bits(want[i]) {
			t.Fatalf("overlapping dst and src: element %d is %v, want %v", i, dst[i], want[i])
		}
	}
}

// TestWindowShift: the window's width from the rule in FloatsParallel,
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

// less orders like the sorts for the values the tests use: NaN (without
// its sign bit) last, −0 before +0.
func less(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return !math.IsNaN(a) && math.IsNaN(b)
	}
	if a == b {
		return math.Signbit(a) && !math.Signbit(b)
	}
	return a < b
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

// TestSortSignedNaN: NaNs with the sign bit set sort first and the others
// last, at sizes sorted by insertion alone and by radix.
func TestSortSignedNaN(t *testing.T) {
	negNaN := math.Copysign(math.NaN(), -1)
	for _, n := range []int{10, 255, 256, 5000} {
		x := make([]float64, n)
		for i := range x {
			x[i] = float64(n/2 - i)
		}
		x[3], x[n-4] = negNaN, math.NaN()
		Floats(x, make([]float64, n))
		if !math.IsNaN(x[0]) || !math.Signbit(x[0]) || !math.IsNaN(x[n-1]) || math.Signbit(x[n-1]) {
			t.Fatalf("n=%d: ends %v (sign %v) and %v (sign %v), want −NaN first and NaN last", n, x[0], math.Signbit(x[0]), x[n-1], math.Signbit(x[n-1]))
		}
		if !slices.IsSorted(x[1 : n-1]) {
			t.Fatalf("n=%d: the numbers between the NaNs are not sorted", n)
		}
	}
}

// FuzzSortedCopy: SortedCopy against a comparison sort on the same keys,
// bit for bit, on populations drawn from the fuzzer's parameters — sizes
// across the insertion-only and radix paths, values from denormals to
// 1e308, both signs, zeros of both signs, infinities, NaNs, clusters within
// a few ulp and far outliers — in place and into another slice, on 1 and 3
// goroutines; the source of a copy unchanged; and SortedCopyIn's with the
// values' bounds, exact and loosened.
func FuzzSortedCopy(f *testing.F) {
	f.Add(uint64(1), uint16(300), uint8(0), 1.0)
	f.Add(uint64(2), uint16(5000), uint8(1), 1e300)
	f.Add(uint64(3), uint16(4000), uint8(2), 5e-324)
	f.Add(uint64(4), uint16(256), uint8(3), 3e4)
	f.Add(uint64(5), uint16(9000), uint8(4), 1.0)
	f.Fuzz(func(t *testing.T, seed uint64, n16 uint16, shape uint8, scale float64) {
		n := int(n16)
		r := rand.New(rand.NewPCG(seed, uint64(shape)))
		special := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(),
			math.Copysign(math.NaN(), -1), math.MaxFloat64, -math.MaxFloat64, 5e-324}
		x := make([]float64, n)
		for i := range x {
			switch v := r.Float64(); {
			case shape%5 == 1 && v < 0.3: // a cluster a few ulp wide
				x[i] = math.Float64frombits(math.Float64bits(scale) + uint64(r.IntN(8)))
			case shape%5 == 2 && v < 0.05:
				x[i] = special[r.IntN(len(special))]
			case shape%5 == 3:
				x[i] = scale * r.NormFloat64() // both signs
			case shape%5 == 4 && v < 0.5:
				x[i] = float64(r.IntN(4)) // ties
			default:
				x[i] = scale * math.Exp(2*r.NormFloat64())
			}
		}
		want := slices.Clone(x)
		slices.SortStableFunc(want, func(a, b float64) int {
			ka, kb := sortKey(a), sortKey(b)
			switch {
			case ka < kb:
				return -1
			case ka > kb:
				return 1
			}
			return 0
		})
		for _, w := range []int{1, 3} {
			got := make([]float64, n)
			src := slices.Clone(x)
			SortedCopy(got, src, make([]float64, n), w)
			in := slices.Clone(x)
			FloatsParallel(in, make([]float64, n), w)
			for i := range want {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) || math.Float64bits(in[i]) != math.Float64bits(want[i]) {
					t.Fatalf("n=%d shape=%d workers=%d: element %d is %v (copy) and %v (in place), want %v", n, shape, w, i, got[i], in[i], want[i])
				}
			}
			for i := range x {
				if math.Float64bits(src[i]) != math.Float64bits(x[i]) {
					t.Fatalf("SortedCopy changed its source at %d", i)
				}
			}
			if n == 0 || math.IsNaN(want[0]) || math.IsNaN(want[n-1]) {
				continue // no float bounds a NaN
			}
			// SortedCopyIn with the least and greatest values, then with
			// bounds loosened by a factor and by an ulp either way, then
			// swapped (taken as none known when lo > hi).
			lo, hi := want[0], want[n-1]
			for _, b := range [][2]float64{{lo, hi}, {math.Nextafter(lo, math.Inf(-1)), math.Nextafter(hi, math.Inf(1))},
				{min(lo*4, lo/4, lo-1), max(hi*4, hi/4, hi+1)}, {hi, lo}} {
				got := make([]float64, n)
				SortedCopyIn(got, x, make([]float64, n), w, b[0], b[1])
				for i := range want {
					if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
						t.Fatalf("n=%d shape=%d workers=%d bounds %v: element %d is %v, want %v", n, shape, w, b, i, got[i], want[i])
					}
				}
			}
		}
	})
}
