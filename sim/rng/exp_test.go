package rng

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// Exp against math.Exp (within 2 ulp of it — each is within 1 of e^x —
// on a million arguments across the whole range and densely where noise
// factors lie) and against e^x to 100 bits with math/big on ten thousand
// (within 1 ulp of the correctly rounded value); special values as
// math.Exp's.
func TestExpNoise(t *testing.T) {
	ulps := func(got, want float64) float64 {
		ulp := math.Abs(math.Nextafter(want, math.Inf(1)) - want)
		return math.Abs(got-want) / ulp
	}
	r := rand.New(rand.NewPCG(13, 14))
	for i := range 1_000_000 {
		x := r.Float64()*1398 - 699
		if i%2 == 0 {
			x = 0.3*r.NormFloat64() - 0.045
		}
		if u := ulps(Exp(x), math.Exp(x)); u > 2 {
			t.Fatalf("Exp(%v) = %v, math.Exp = %v (%.2f ulp)", x, Exp(x), math.Exp(x), u)
		}
	}
	for i := range 10000 {
		x := r.Float64()*40 - 20
		if i%2 == 0 {
			x = 0.3*r.NormFloat64() - 0.045
		}
		want, _ := bigExp(x).Float64()
		if u := ulps(Exp(x), want); u > 1 {
			t.Fatalf("Exp(%v) = %v, e^x = %v (%.2f ulp)", x, Exp(x), want, u)
		}
	}
	for _, x := range []float64{0, math.Copysign(0, -1), 1, -1, 699.99, -699.99, 700, -700, 710, -746, 1e300, -1e300, math.Inf(1), math.Inf(-1)} {
		if got, want := Exp(x), math.Exp(x); got != want && ulps(got, want) > 2 {
			t.Errorf("Exp(%v) = %v, math.Exp = %v", x, got, want)
		}
	}
	if !math.IsNaN(Exp(math.NaN())) {
		t.Error("Exp(NaN) is not NaN")
	}
	// the split of ln 2/256: the high part's last 21 bits clear, the sum
	// within half an ulp of the low part (2^−94) of ln 2/256 (ln 2 to 100
	// digits)
	if math.Float64bits(expLn2Hi)&(1<<21-1) != 0 {
		t.Error("expLn2Hi has more than 32 significant bits")
	}
	ln2, _ := new(big.Float).SetPrec(400).SetString("0.6931471805599453094172321214581765680755001343602552541206800094933936219696947156058633269964186875")
	want := new(big.Float).Quo(ln2, big.NewFloat(256))
	got := new(big.Float).SetPrec(400).Add(new(big.Float).SetFloat64(expLn2Hi), new(big.Float).SetFloat64(expLn2Lo))
	if d, _ := new(big.Float).Sub(got, want).Float64(); math.Abs(d) > 0x1p-94 {
		t.Errorf("expLn2Hi + expLn2Lo is off ln 2/256 by %g", d)
	}
}

// bigExp is e^x to 100 bits: e^(x/2^m) from its series, squared m times.
func bigExp(x float64) *big.Float {
	const prec = 120
	m := 10
	y := new(big.Float).SetPrec(prec).SetMantExp(big.NewFloat(x).SetPrec(prec), -m)
	sum := new(big.Float).SetPrec(prec).SetInt64(1)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	for n := 1; n < 40; n++ {
		term.Mul(term, y)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(int64(n)))
		sum.Add(sum, term)
	}
	for range m {
		sum.Mul(sum, sum)
	}
	return sum
}

func BenchmarkExpNoise(b *testing.B) {
	x := make([]float64, 1024)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range x {
		x[i] = 0.1*r.NormFloat64() - 0.005
	}
	var s float64
	b.Run("Exp", func(b *testing.B) {
		for b.Loop() {
			for _, v := range x {
				s += Exp(v)
			}
		}
	})
	b.Run("math.Exp", func(b *testing.B) {
		for b.Loop() {
			for _, v := range x {
				s += math.Exp(v)
			}
		}
	})
	_ = s
}
