package welfare

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestRunning: RunningMin and RunningMax are the built-in min and max bit
// for bit on every pair of special values (zeros of both signs, infinities,
// NaNs of both signs, the least subnormal, ±1) and on running extremes of
// random draws with specials among them.
func TestRunning(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), 1, -1, math.Inf(1), math.Inf(-1), math.NaN(),
		math.Copysign(math.NaN(), -1), 5e-324, -5e-324, math.MaxFloat64}
	same := func(a, b float64) bool {
		return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
	}
	for _, m := range vals {
		for _, v := range vals {
			if got, want := RunningMin(m, v), min(m, v); !same(got, want) {
				t.Errorf("RunningMin(%v, %v) = %v, want %v", m, v, got, want)
			}
			if got, want := RunningMax(m, v), max(m, v); !same(got, want) {
				t.Errorf("RunningMax(%v, %v) = %v, want %v", m, v, got, want)
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		lo, hi, wlo, whi := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
		for range 100 {
			v := r.NormFloat64()
			if r.IntN(20) == 0 {
				v = vals[r.IntN(len(vals))]
			}
			lo, hi = RunningMin(lo, v), RunningMax(hi, v)
			wlo, whi = min(wlo, v), max(whi, v)
			if !same(lo, wlo) || !same(hi, whi) {
				t.Fatalf("trial %d: running (%v, %v), built-in (%v, %v)", trial, lo, hi, wlo, whi)
			}
		}
	}
}

// BenchmarkRunning: a running minimum and maximum of 4,096 normal draws,
// with RunningMin and RunningMax and with the built-ins.
func BenchmarkRunning(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, 4096)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	var sink float64
	b.Run("running", func(b *testing.B) {
		for b.Loop() {
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, v := range x {
				lo, hi = RunningMin(lo, v), RunningMax(hi, v)
			}
			sink += lo + hi
		}
	})
	b.Run("built-in", func(b *testing.B) {
		for b.Loop() {
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, v := range x {
				lo, hi = min(lo, v), max(hi, v)
			}
			sink += lo + hi
		}
	})
	_ = sink
}
