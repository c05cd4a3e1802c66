package agents

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestNoiseFactors: a block of factors made from normal draws is what as
// many NoiseFactor calls give from the same draws, bit for bit.
func TestNoiseFactors(t *testing.T) {
	for _, s := range []float64{0, 0.1, 2} {
		b := Behavior{Kind: Noisy, Noise: s}
		r1, r2 := rand.New(rand.NewPCG(3, 4)), rand.New(rand.NewPCG(3, 4))
		f := make([]float64, 300)
		for i := range f {
			f[i] = r1.NormFloat64()
		}
		b.NoiseFactors(f)
		for i, got := range f {
			if want := b.NoiseFactor(r2); math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("σ=%v: factor %d is %v, one call at a time %v", s, i, got, want)
			}
		}
	}
}

// BenchmarkNoiseFactors: a block of 256 factors from normal draws against
// a call each.
func BenchmarkNoiseFactors(b *testing.B) {
	f := make([]float64, 256)
	beh := Behavior{Kind: Noisy, Noise: 0.1}
	r := rand.New(rand.NewPCG(1, 2))
	b.Run("block", func(b *testing.B) {
		for b.Loop() {
			for i := range f {
				f[i] = r.NormFloat64()
			}
			beh.NoiseFactors(f)
		}
	})
	b.Run("a call each", func(b *testing.B) {
		for b.Loop() {
			for i := range f {
				f[i] = beh.NoiseFactor(r)
			}
		}
	})
}
