package rng

import (
	"math"
)

// This file draws noisy workers' standard normal variates a block at a
// time: what rand.New(s).NormFloat64() returns from a SplitMix s, bit for
// bit and word for word (so the general path, which draws one at a time
// through a rand.Rand, sees the same numbers), written out with the
// generator's state in a register. It is faster than NormFloat64 on a PCG
// (BenchmarkNormals), whose 128-bit multiplications chain one word to the
// next.

// Normals fills x with standard normal draws from s, in order.
func Normals(x []float64, s *SplitMix) {
	st, g := s.state, s.gamma
	for i := range x {
		st += g
		u := mix64(st)
		v, ok := zigFast(u)
		if !ok { // one word in 80: the wedge or the tail, with more words
			s.state = st
			v = zigSlow(s, u)
			st = s.state
		}
		x[i] = v
	}
	s.state = st
}

// zigFast is the first test of Marsaglia and Tsang's ziggurat ("The
// Ziggurat Method for Generating Random Variables", J. Stat. Software
// 5(8), 2000) with 128 strips, as rand.Rand's NormFloat64 uses it, on the
// word u: strip i from bits 32–38, a signed j from the low 32 bits,
// x = j·w_i, accepted at once when |j| < k_i (98.8% of words).
func zigFast(u uint64) (float64, bool) {
	j := int32(u)
	i := u >> 32 & (zigStrips - 1)
	x := float64(j) * float64(zigW[i])
	a := uint32(j)
	if j < 0 {
		a = uint32(-j)
	}
	return x, a < zigK[i]
}

// zigSlow finishes a draw whose word u fell outside its strip's rectangle:
// for the base strip, the tail beyond zigR (Marsaglia's method: x, y
// exponential until 2y ≥ x²); for the others, the wedge under the density
// (wedgeDensity); on rejection, new words from src until one is accepted.
// Its uniforms are rand.Rand's Float64 of a word (its low 53 bits over
// 2^53). src is the concrete generator, not a rand.Source, to spare a slow
// draw the calls through an interface.
func zigSlow(src *SplitMix, u uint64) float64 {
	for {
		j := int32(u)
		i := u >> 32 & (zigStrips - 1)
		x := float64(j) * float64(zigW[i])
		if i == 0 {
			for {
				x = -math.Log(unitFloat(src)) * (1.0 / zigR)
				y := -math.Log(unitFloat(src))
				if y+y >= x*x {
					break
				}
			}
			if j > 0 {
				return zigR + x
			}
			return -zigR - x
		}
		if zigF[i]+float32(unitFloat(src))*(zigF[i-1]-zigF[i]) < wedgeDensity(-0.5*x*x) {
			return x
		}
		u = src.Uint64()
		if x, ok := zigFast(u); ok {
			return x
		}
	}
}

// unitFloat is rand.Rand's Float64 on src.
func unitFloat(src *SplitMix) float64 { return float64(src.Uint64()<<11>>11) / (1 << 53) }

// wedgeDensity is float32(math.Exp(y)), the density rand.Rand's wedge
// test compares with, for y = −x²/2 ≤ 0. math.Exp here would slow the
// draws (BenchmarkNormals), so the value comes from Exp, within 2 ulp of math.Exp,
// whenever every float64 within 2^−46 of it, relatively (64 ulp or more),
// rounds to the same float32: math.Exp's value is among them, and
// rounding is monotone. Else (about once in 2^21 calls) it is math.Exp's.
func wedgeDensity(y float64) float32 {
	e := Exp(y)
	lo, hi := float32(e*(1-0x1p-46)), float32(e*(1+0x1p-46))
	if lo == hi {
		return lo
	}
	return float32(math.Exp(y))
}

// The ziggurat's constants for 128 strips (Marsaglia and Tsang 2000): the
// base strip's right edge r and the area v of every strip.
const (
	zigStrips = 128
	zigR      = 3.442619855899
	zigV      = 9.91256303526217e-3
)

// zigK, zigW and zigF are the strips' tables, built by the paper's
// recurrence (its zigset, for 32-bit signed words) from zigR and zigV in
// float64, then truncated to uint32 or rounded to float32: k_i bounds |j|
// in strip i's rectangle, w_i scales j to x, f_i is the density at the
// strip's edge. TestNormals checks them against rand.Rand's draws at every
// strip's edges.
var zigK, zigW, zigF = zigTables()

func zigTables() (k [zigStrips]uint32, w, f [zigStrips]float32) {
	const m1 = 1 << 31
	dn, tn := zigR, zigR
	q := zigV / math.Exp(-0.5*dn*dn)
	k[0] = uint32(dn / q * m1)
	w[0] = float32(q / m1)
	w[zigStrips-1] = float32(dn / m1)
	f[0] = 1
	f[zigStrips-1] = float32(math.Exp(-0.5 * dn * dn))
	for i := zigStrips - 2; i >= 1; i-- {
		dn = math.Sqrt(-2 * math.Log(zigV/dn+math.Exp(-0.5*dn*dn)))
		k[i+1] = uint32(dn / tn * m1)
		tn = dn
		f[i] = float32(math.Exp(-0.5 * dn * dn))
		w[i] = float32(dn / m1)
	}
	return k, w, f
}
