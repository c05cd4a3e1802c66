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

// LogSums.Add against Log in a plain loop over the same values (Log is
// checked against math.Log above): the sums agree exactly, whatever the
// blocks the values are handed over in, and values that are not > 0 —
// zero, negative, NaN — are left out of the sums and set NonPos; subnormal
// and infinite values take math.Log's path.
func TestLogSums(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	x := make([]float64, 5000)
	for i := range x {
		x[i] = math.Exp(r.Float64()*60 - 20)
	}
	x[17], x[400] = 5e-324, 1e300
	var want LogSums
	for _, v := range x {
		lg := Log(v)
		want.Log += lg
		want.XLog += v * lg
		want.Pos += v
	}
	for _, block := range []int{1, 7, LogBlock, len(x)} {
		var got LogSums
		for b := 0; b < len(x); b += block {
			got.Add(x[b:min(b+block, len(x))])
		}
		if got != want {
			t.Errorf("blocks of %d: %+v, want %+v", block, got, want)
		}
	}
	for _, bad := range []float64{0, -1, math.NaN(), math.Inf(-1)} {
		var s LogSums
		s.Add([]float64{2, bad, 3})
		if !s.NonPos || s.Pos != 5 || s.Log != Log(2)+Log(3) {
			t.Errorf("with %v: %+v, want NonPos and the sums of 2 and 3", bad, s)
		}
	}
	var s LogSums
	s.Add([]float64{math.Inf(1)})
	if s.NonPos || !math.IsInf(s.Log, 1) {
		t.Errorf("+Inf: %+v, want Log +Inf and not NonPos", s)
	}
}
