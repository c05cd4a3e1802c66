package rng

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"
)

// script is a rand.Source that gives its words in order, then a
// generator's, and counts the words it gave.
type script struct {
	words []uint64
	rest  rand.Source
	used  int
}

func (s *script) Uint64() uint64 {
	s.used++
	if s.used <= len(s.words) {
		return s.words[s.used-1]
	}
	return s.rest.Uint64()
}

// TestSplitMixStream: with the golden gamma the generator is Vigna's
// splitmix64.c (its reference outputs from state 0); a stream's gamma is
// odd with at least 24 bit changes; a stream's words are mix64 of its
// state stepped by its gamma; the noise streams of 20 rounds of 3 chunks
// start apart with gammas apart; and those of neighbouring chunks and
// rounds are uncorrelated (|r| < 4/√n over 200,000 pairs of normals).
func TestSplitMixStream(t *testing.T) {
	s := &SplitMix{state: 0, gamma: 0x9e3779b97f4a7c15}
	if a, b := s.Uint64(), s.Uint64(); a != 0xe220a8397b1dcdaf || b != 0x6e789e6aa1b965f4 {
		t.Errorf("splitmix64 from 0: %#x %#x, want 0xe220a8397b1dcdaf 0x6e789e6aa1b965f4", a, b)
	}
	for g := range uint64(5000) {
		m := NewSplitMix(7, g)
		if m.gamma&1 == 0 || bits.OnesCount64(m.gamma^(m.gamma>>1)) < 24 {
			t.Fatalf("gamma %#x from %d: even or too few bit changes", m.gamma, g)
		}
		if want := mix64(7 + m.gamma); m.Uint64() != want {
			t.Fatalf("first word from %d is not mix64(state + gamma)", g)
		}
	}
	seen := map[uint64]bool{}
	for round := range uint64(20) {
		for c := range uint64(3) {
			m := Split(42, "noise", round*3+c)
			if seen[m.state] || seen[m.gamma] {
				t.Fatalf("round %d, chunk %d: a start or gamma another stream has", round, c)
			}
			seen[m.state], seen[m.gamma] = true, true
		}
	}
	const n = 200_000
	draw := func(round, c uint64) []float64 {
		x := make([]float64, n)
		Normals(x, Split(42, "noise", round*3+c))
		return x
	}
	pairs := [][2][]float64{{draw(5, 0), draw(5, 1)}, {draw(5, 2), draw(6, 0)}, {draw(5, 0), draw(6, 0)}}
	for k, p := range pairs {
		var sxy, sxx, syy float64
		for i := range p[0] {
			sxy += p[0][i] * p[1][i]
			sxx += p[0][i] * p[0][i]
			syy += p[1][i] * p[1][i]
		}
		if r := sxy / math.Sqrt(sxx*syy); math.Abs(r) > 4/math.Sqrt(n) {
			t.Errorf("pair %d of noise streams: correlation %v", k, r)
		}
	}
}

// TestNormals: normals is rand.Rand's NormFloat64 on the same source, bit
// for bit and word for word. First on words placed at every strip's edges
// — |j| at k_i − 1, k_i and k_i + 1, which would show an entry of k off by
// one, j = ±1, whose x is w_i itself, and the extremes of j — each
// followed by random words for the wedge and tail; then on ten million
// draws from a noise stream (about 120,000 through the wedges and the
// tail), which must leave the stream where ten million NormFloat64 calls
// leave it. Their moments are the normal's: mean 0, variance 1, kurtosis
// 3, and P(|x| > r) = 5.76e-4, within 4 standard errors.
func TestNormals(t *testing.T) {
	for i := range uint64(zigStrips) {
		k := int64(zigK[i])
		for _, j := range []int64{1, -1, k - 1, k, k + 1, 1 - k, -k, -k - 1, math.MaxInt32, math.MinInt32, math.MinInt32 + 1} {
			if j < math.MinInt32 || j > math.MaxInt32 {
				continue
			}
			for seed := range uint64(20) {
				w := []uint64{seed<<40 | i<<32 | uint64(uint32(int32(j)))}
				a := NewSplitMix(seed, 7) // the words after w[0]
				b := &script{words: w, rest: NewSplitMix(seed, 7)}
				got, ok := zigFast(w[0])
				if !ok {
					got = zigSlow(a, w[0])
				}
				want := rand.New(b).NormFloat64()
				used := 1 // words the draw took: w[0] and a's
				for c := NewSplitMix(seed, 7); c.state != a.state && used < 1000; c.Uint64() {
					used++
				}
				if math.Float64bits(got) != math.Float64bits(want) || used != b.used {
					t.Fatalf("strip %d, j %d, seed %d: %v from %d words, rand.Rand %v from %d", i, j, seed, got, used, want, b.used)
				}
			}
		}
	}
	const n = 10_000_000
	p, q := NewSplitMix(11, 12), NewSplitMix(11, 12)
	r := rand.New(q)
	x := make([]float64, n)
	Normals(x, p)
	var s1, s2, s4 float64
	tails := 0
	for i, v := range x {
		if want := r.NormFloat64(); math.Float64bits(v) != math.Float64bits(want) {
			t.Fatalf("draw %d: %v, rand.Rand %v", i, v, want)
		}
		s1 += v
		s2 += v * v
		s4 += v * v * v * v
		if math.Abs(v) > zigR {
			tails++
		}
	}
	if p.Uint64() != q.Uint64() {
		t.Fatal("the streams part after ten million draws")
	}
	// Standard errors: mean 1/√n, variance √(2/n), fourth moment √(96/n);
	// the tail count √(n·p).
	if m := s1 / n; math.Abs(m) > 4/math.Sqrt(n) {
		t.Errorf("mean %v", m)
	}
	if v := s2 / n; math.Abs(v-1) > 4*math.Sqrt(2.0/n) {
		t.Errorf("variance %v", v)
	}
	if k := s4 / n; math.Abs(k-3) > 4*math.Sqrt(96.0/n) {
		t.Errorf("fourth moment %v", k)
	}
	if pt := 2 * 0.5 * math.Erfc(zigR/math.Sqrt2) * n; math.Abs(float64(tails)-pt) > 4*math.Sqrt(pt) {
		t.Errorf("%d draws beyond ±%v, want %.0f", tails, zigR, pt)
	}
}

// TestWedgeDensity: the wedge test's density is float32(math.Exp(y)) bit
// for bit, on a million y over the wedges' range [−r²/2, 0] and on y whose
// exponential lies within a few ulp of a midpoint between two float32s —
// where Exp's value and math.Exp's can round apart, and the
// function must fall back on math.Exp (at least one of them does).
func TestWedgeDensity(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	check := func(y float64) {
		if got, want := wedgeDensity(y), float32(math.Exp(y)); math.Float32bits(got) != math.Float32bits(want) {
			t.Fatalf("wedgeDensity(%v) = %v, float32(math.Exp) = %v", y, got, want)
		}
	}
	for range 1_000_000 {
		check(-0.5 * zigR * zigR * r.Float64())
	}
	check(0)
	check(-0.5 * zigR * zigR)
	fallbacks := 0
	for range 100_000 {
		f := float32(math.Exp(-0.5 * zigR * zigR * r.Float64()))
		mid := (float64(f) + float64(math.Nextafter32(f, 1))) / 2 // exactly representable in float64
		y := math.Log(mid)
		for _, d := range []float64{-2, -1, 0, 1, 2} {
			yd := y + d*0x1p-53
			if yd > 0 {
				continue
			}
			check(yd)
			e := Exp(yd)
			if float32(e*(1-0x1p-46)) != float32(e*(1+0x1p-46)) {
				fallbacks++
			}
		}
	}
	if fallbacks == 0 {
		t.Error("no y near a float32 midpoint reached math.Exp")
	}
}

// BenchmarkNormals: a block of 256 draws from a noise stream against
// rand.Rand's NormFloat64, on the same stream and on a PCG (the other
// streams' generator).
func BenchmarkNormals(b *testing.B) {
	x := make([]float64, 256)
	b.Run("block", func(b *testing.B) {
		s := NewSplitMix(1, 2)
		for b.Loop() {
			Normals(x, s)
		}
	})
	for _, c := range []struct {
		name string
		src  rand.Source
	}{{"rand.Rand on it", NewSplitMix(1, 2)}, {"rand.Rand on a PCG", rand.NewPCG(1, 2)}} {
		b.Run(c.name, func(b *testing.B) {
			r := rand.New(c.src)
			for b.Loop() {
				for i := range x {
					x[i] = r.NormFloat64()
				}
			}
		})
	}
}
