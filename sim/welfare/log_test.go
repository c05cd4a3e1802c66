package welfare

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestLog(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	check := func(x float64) {
		got, want := Log(x), math.Log(x)
		ulp := math.Abs(math.Nextafter(want, math.Inf(1)) - want)
		if math.Abs(got-want) > 2*ulp+3e-16 && !(want == got) {
			t.Fatalf("Log(%v) = %v, math.Log = %v (%.1f ulp)", x, got, want, math.Abs(got-want)/ulp)
		}
	}
	for _, x := range []float64{1, 2, 0.5, 0.999, 1.001, 1.9999, 3.99, math.E, 10, math.Sqrt2, 1 / math.Sqrt2, 1e-300, 1e300, math.MaxFloat64, 5e-324} {
		check(x)
	}
	for range 1_000_000 {
		check(math.Exp(r.Float64()*1400 - 700))
	}
	if !math.IsNaN(Log(-1)) || !math.IsInf(Log(0), -1) || !math.IsInf(Log(math.Inf(1)), 1) {
		t.Error("special values differ from math.Log")
	}
}

func BenchmarkLog(b *testing.B) {
	x := make([]float64, 1024)
	for i := range x {
		x[i] = 1000 + float64(i)*37.5
	}
	var s float64
	b.Run("welfare.Log", func(b *testing.B) {
		for b.Loop() {
			for _, v := range x {
				s += Log(v)
			}
		}
	})
	b.Run("math.Log", func(b *testing.B) {
		for b.Loop() {
			for _, v := range x {
				s += math.Log(v)
			}
		}
	})
	_ = s
}
