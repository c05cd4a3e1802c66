package welfare

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestRunningMax: RunningMax is the built-in max bit for bit on every pair
// of special values (zeros of both signs, infinities, NaNs of both signs,
// the least subnormals, ±1, the greatest float) and on running maxima of
// random draws with specials among them.
func TestRunningMax(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), 1, -1, math.Inf(1), math.Inf(-1), math.NaN(),
		math.Copysign(math.NaN(), -1), 5e-324, -5e-324, math.MaxFloat64}
	same := func(a, b float64) bool {
		return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
	}
	for _, m := range vals {
		for _, v := range vals {
			if got, want := RunningMax(m, v), max(m, v); !same(got, want) {
				t.Errorf("RunningMax(%v, %v) = %v, want %v", m, v, got, want)
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		hi, want := math.Inf(-1), math.Inf(-1)
		for range 100 {
			v := r.NormFloat64()
			if r.IntN(20) == 0 {
				v = vals[r.IntN(len(vals))]
			}
			hi, want = RunningMax(hi, v), max(want, v)
			if !same(hi, want) {
				t.Fatalf("trial %d: running %v, built-in %v", trial, hi, want)
			}
		}
	}
}

// BenchmarkRunningMax: a running maximum of 4,096 normal draws with
// RunningMax and with the built-in.
func BenchmarkRunningMax(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, 4096)
	for i := range x {
		x[i] = r.NormFloat64()
	}
	var sink float64
	b.Run("RunningMax", func(b *testing.B) {
		for b.Loop() {
			hi := math.Inf(-1)
			for _, v := range x {
				hi = RunningMax(hi, v)
			}
			sink += hi
		}
	})
	b.Run("built-in", func(b *testing.B) {
		for b.Loop() {
			hi := math.Inf(-1)
			for _, v := range x {
				hi = max(hi, v)
			}
			sink += hi
		}
	})
	_ = sink
}
