package agents

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/econsim/econsim/sim/tax"
)

func ql(e, kappa float64) Utility {
	u := Utility{Kind: Quasilinear, Elasticity: e, Kappa: kappa}
	u.Init()
	return u
}

func within(t *testing.T, name string, got, want, rel float64) {
	t.Helper()
	if math.Abs(got-want) > rel*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %.12g, want %.12g (relative tolerance %g)", name, got, want, rel)
	}
}

func hours(r *Response, w, tr float64) float64 {
	return r.Hours(w, r.Utility().Potential(w), tr)
}

// TestFlatClosedForm: l* = ((1−τ)w/κ)^e under quasi-linear utility.
func TestFlatClosedForm(t *testing.T) {
	for _, e := range []float64{0.5, 1, 0.7, 2} {
		for _, rate := range []float64{0, 0.3, 0.9} {
			u := ql(e, 4e-6)
			s := tax.MustNew([]float64{0}, []float64{rate}, tax.DefaultBounds)
			r := NewResponse(u, s, 1e18)
			for _, w := range []float64{5, 20, 80} {
				want := math.Pow((1-rate)*w/4e-6, e)
				within(t, "hours", hours(r, w, 0), want, 1e-12)
			}
		}
	}
	// The default calibration: 0.8·20/4e-6 = 4e6, √4e6 = 2000 hours.
	r := NewResponse(ql(0.5, 4e-6), tax.MustNew([]float64{0}, []float64{0.2}, tax.DefaultBounds), 5000)
	within(t, "default hours", hours(r, 20, 0), 2000, 1e-12)
}

// TestBunching: on rates 10% then 50% above b = 40000 (κ = 4e-6, e = 0.5),
// a worker earns a_k·w^1.5 with a_k = ((1−τ_k)/κ)^0.5 when that lies in
// bracket k, so workers with a_0·w^1.5 ≥ b ≥ a_1·w^1.5, i.e.
// w ∈ [(b/a_0)^(2/3), (b/a_1)^(2/3)] ≈ [19.23, 23.39], all earn exactly b.
func TestBunching(t *testing.T) {
	b := 40000.0
	s := tax.MustNew([]float64{0, b}, []float64{0.1, 0.5}, tax.DefaultBounds)
	r := NewResponse(ql(0.5, 4e-6), s, 1e6)
	a0, a1 := math.Sqrt(0.9/4e-6), math.Sqrt(0.5/4e-6)
	wlo, whi := math.Pow(b/a0, 2.0/3), math.Pow(b/a1, 2.0/3)
	within(t, "wlo", wlo, 19.2296, 1e-4)
	for _, f := range []float64{0.001, 0.25, 0.5, 0.75, 0.999} {
		w := wlo + f*(whi-wlo)
		within(t, "bunched income", w*hours(r, w, 0), b, 1e-12)
	}
	w := 0.99 * wlo
	within(t, "below the interval", w*hours(r, w, 0), a0*math.Pow(w, 1.5), 1e-12)
	w = 1.01 * whi
	within(t, "above the interval", w*hours(r, w, 0), a1*math.Pow(w, 1.5), 1e-12)
}

// TestFallingRatesJump: rates 60% then 0% above b = 100, e = 1, κ = 1. In
// bracket k the best income is (1−τ_k)·w² with value (1−τ_k)²w²/2 + I_k,
// I_0 = 0, I_1 = −0.6·b. The upper optimum wins once 0.84·w²/2 > 60, i.e.
// w > √(1000/7) ≈ 11.952: hours jump from 0.4·w to w there.
func TestFallingRatesJump(t *testing.T) {
	s := tax.MustNew([]float64{0, 100}, []float64{0.6, 0}, tax.DefaultBounds)
	r := NewResponse(ql(1, 1), s, 1e6)
	wstar := math.Sqrt(1000.0 / 7)
	for _, c := range []struct{ w, want float64 }{
		{0.999 * wstar, 0.4 * 0.999 * wstar},
		{1.001 * wstar, 1.001 * wstar},
		{8, 0.4 * 8},
		{20, 20},
	} {
		within(t, "hours", hours(r, c.w, 0), c.want, 1e-12)
	}
}

// TestIncomeEffect: log utility (η = 1), e = 1, flat τ, transfer T. The
// first-order condition (1−τ)w/((1−τ)wl + T) = κl is the quadratic
// κ(1−τ)w·l² + κT·l − (1−τ)w = 0.
func TestIncomeEffect(t *testing.T) {
	u := Utility{Kind: Isoelastic, Elasticity: 1, Kappa: 1e-6, Eta: 1}
	u.Init()
	rate, w := 0.25, 30.0
	r := NewResponse(u, tax.MustNew([]float64{0}, []float64{rate}, tax.DefaultBounds), 1e5)
	for _, tr := range []float64{0, 1000, 20000} {
		a, b, c := u.Kappa*(1-rate)*w, u.Kappa*tr, -(1-rate)*w
		want := (-b + math.Sqrt(b*b-4*a*c)) / (2 * a)
		within(t, "isoelastic hours", hours(r, w, tr), want, 1e-10)
	}
	if hours(r, w, 20000) >= hours(r, w, 0) {
		t.Error("a transfer should lower hours under an income effect")
	}
}

func TestHoursMaxBinds(t *testing.T) {
	r := NewResponse(ql(0.5, 4e-6), tax.MustNew([]float64{0}, []float64{0}, tax.DefaultBounds), 3000)
	// Unconstrained: √(200/4e-6) ≈ 7071 hours, above the cap.
	within(t, "capped", hours(r, 200, 0), 3000, 0)
	s := tax.MustNew([]float64{0, 100}, []float64{0.6, 0}, tax.DefaultBounds)
	r = NewResponse(ql(1, 1), s, 15)
	within(t, "capped non-convex", hours(r, 20, 0), 15, 0)
	if got := hours(r, 0, 0); got != 0 {
		t.Errorf("zero wage works %v hours, want 0", got)
	}
}

// TestAgainstGridSearch compares the best response with an independent
// brute-force maximiser on random schedules (convex or not), utilities and
// taxable other incomes.
func TestAgainstGridSearch(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 600; trial++ {
		k := 1 + rng.IntN(4)
		cut := []float64{0}
		for len(cut) < k {
			cut = append(cut, cut[len(cut)-1]+rng.Float64()*60000)
		}
		rates := make([]float64, k)
		for i := range rates {
			rates[i] = rng.Float64() * 0.9
		}
		s := tax.MustNew(cut, rates, tax.DefaultBounds)
		u := Utility{Kind: Quasilinear, Elasticity: []float64{0.5, 0.8, 1}[rng.IntN(3)], Kappa: 4e-6}
		tr := 0.0
		if rng.IntN(2) == 1 {
			u = Utility{Kind: Isoelastic, Elasticity: 0.5, Kappa: 1.25e-10, Eta: []float64{0.5, 1, 2}[rng.IntN(3)]}
			tr = rng.Float64() * 20000
		}
		u.Init()
		hmax := 5000.0
		r := NewResponse(u, s, hmax)
		w := 2 + rng.Float64()*80
		off := 0.0 // taxable other income (capital income taxed with labour)
		if rng.IntN(2) == 1 {
			off = rng.Float64() * 80000
		}
		got, _ := r.Choice(w, u.Potential(w), tr, off)
		uGot := r.Value(w, got, tr, off)
		// Grid over [0, hmax] then golden refinement around the best cell.
		best, bestU := 0.0, math.Inf(-1)
		const n = 20000
		for i := 0; i <= n; i++ {
			l := hmax * float64(i) / n
			if v := r.Value(w, l, tr, off); v > bestU {
				best, bestU = l, v
			}
		}
		lo, hi := max(best-hmax/n, 0), min(best+hmax/n, hmax)
		for range 100 {
			m1, m2 := lo+(hi-lo)/3, hi-(hi-lo)/3
			if r.Value(w, m1, tr, off) < r.Value(w, m2, tr, off) {
				lo = m1
			} else {
				hi = m2
			}
		}
		if v := r.Value(w, lo, tr, off); v > bestU {
			bestU = v
		}
		if uGot < bestU-1e-9*math.Max(1, math.Abs(bestU)) {
			t.Fatalf("trial %d: best response %v hours gives u=%v, grid finds u=%v at %v (schedule %v, utility %+v, w %v, tr %v, off %v)",
				trial, got, uGot, bestU, best, s, u, w, tr, off)
		}
	}
}

func TestBehaviors(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	b := Behavior{Kind: Adaptive, Adjustment: 0.25}
	within(t, "adaptive", b.Choose(100, 20, 1e9, r), 40, 1e-15)
	b = Behavior{Kind: Noisy, Noise: 0.2}
	var sum float64
	const n = 200000
	for range n {
		sum += b.Choose(1000, 0, 1e9, r)
	}
	// E[exp(σε − σ²/2)] = 1; the standard error of the mean is about 0.45.
	within(t, "noisy mean", sum/n, 1000, 2e-3)
	within(t, "noisy capped", b.Choose(1000, 0, 1, r), 1, 0)
	within(t, "rational", Behavior{}.Choose(7, 3, 10, r), 7, 0)
	for _, bad := range []Behavior{{Kind: Noisy, Noise: -1}, {Kind: Adaptive, Adjustment: 0}, {Kind: Adaptive, Adjustment: 1.5}} {
		if bad.Validate() == nil {
			t.Errorf("%+v validated", bad)
		}
	}
}

// TestRunsMatchEnumeration (and ChoiceBracket's bracket there): on
// non-convex schedules of up to 14 brackets
// (the compiled 2024 system has 13), the quasi-linear fast paths — the best
// of the runs' concave optima, and with no other income the run chosen by
// potential thresholds — pick the candidate the full enumeration picks,
// for workers with their own κ (pot = w^(1+e)·(κ/κ_i)^e): the same hours
// and income, or (at a near-tie between runs) the same utility to 1e-12.
func TestRunsMatchEnumeration(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	sys := tax.US2024Single()
	us, err := sys.Compile(tax.USFederalRates(), tax.Bounds{Min: -1, Max: 1})
	if err != nil {
		t.Fatal(err)
	}
	for trial := range 400 {
		s := us
		if trial > 0 {
			k := 2 + rng.IntN(13)
			cut, rates := []float64{0}, []float64{rng.Float64() * 0.8}
			for len(cut) < k {
				cut = append(cut, cut[len(cut)-1]+rng.Float64()*80000)
				rates = append(rates, rng.Float64()*0.8)
			}
			s = tax.MustNew(cut, rates, tax.DefaultBounds)
		}
		u := Utility{Kind: Quasilinear, Elasticity: []float64{0.5, 0.8, 1, 2}[rng.IntN(4)], Kappa: 4e-6}
		u.Init()
		r := NewResponse(u, s, 5000)
		for range 50 {
			w := 2 + rng.Float64()*200
			kappa := u.Kappa * math.Exp(rng.NormFloat64())
			pot := u.Potential(w) * math.Pow(u.Kappa/kappa, u.Elasticity)
			off := 0.0
			if rng.IntN(3) == 0 {
				off = rng.Float64() * 100000
			}
			l, z := r.ChoiceK(w, pot, kappa, 0, off)
			if off == 0 { // ChoiceBracket: the same choice, and the bracket when it knows it
				lb, zb, kb := r.ChoiceBracket(w, pot, kappa, 0)
				if lb != l || zb != z || (kb >= 0 && (kb != s.Bracket(z) || s.NetIn(kb, z) != s.Net(z))) {
					t.Fatalf("trial %d: ChoiceBracket %v h, $%v, bracket %d; ChoiceK %v h, $%v, Bracket %d", trial, lb, zb, kb, l, z, s.Bracket(z))
				}
			}
			lw, zw := r.hoursEnumerate(worker{w, pot, 0, off, kappa})
			if l == lw && z == zw {
				continue
			}
			v, vw := r.ValueK(w, l, kappa, 0, off), r.ValueK(w, lw, kappa, 0, off)
			if math.Abs(v-vw) > 1e-12*math.Max(1, math.Abs(vw)) {
				t.Fatalf("trial %d: fast path %v h ($%v, u=%v), enumeration %v h ($%v, u=%v); schedule %v, w %v, κ %v, off %v",
					trial, l, z, v, lw, zw, vw, s, w, kappa, off)
			}
		}
	}
}

// TestChoiceBracket: the bracket ChoiceBracket returns is Bracket(income),
// so NetIn gives Net's bits, and its hours and income are Choice's — also
// for workers whose optimum is exactly a cutoff (bunched, or interior at the
// next cutoff) and for capped workers (−1).
func TestChoiceBracket(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	u := ql(0.5, 4e-6)
	for trial := range 300 {
		k := 1 + rng.IntN(8)
		cut, rates := []float64{0}, []float64{rng.Float64() * 0.3}
		for len(cut) < k {
			cut = append(cut, cut[len(cut)-1]+1000+rng.Float64()*60000)
			rates = append(rates, rates[len(rates)-1]+rng.Float64()*0.1) // convex
		}
		s := tax.MustNew(cut, rates, tax.DefaultBounds)
		r := NewResponse(u, s, 3000)
		for j := range 200 {
			w := 1 + rng.Float64()*150
			pot := u.Potential(w)
			if j%10 == 0 && len(cut) > 1 { // interior at a cutoff: a_k·pot = b_{k+1}, to rounding
				b := 1 + rng.IntN(len(cut)-1)
				pot = cut[b] / r.a[b-1]
			}
			l, z, kb := r.ChoiceBracket(w, pot, u.Kappa, 0)
			lw, zw := r.Choice(w, pot, 0, 0)
			if l != lw || z != zw {
				t.Fatalf("trial %d: ChoiceBracket %v h, $%v; Choice %v h, $%v", trial, l, z, lw, zw)
			}
			if kb >= 0 && (kb != s.Bracket(z) || s.NetIn(kb, z) != s.Net(z)) {
				t.Fatalf("trial %d: bracket %d for $%v, Bracket says %d", trial, kb, z, s.Bracket(z))
			}
			if kb < 0 && l != 3000 {
				t.Fatalf("trial %d: no bracket for an uncapped worker (%v h)", trial, l)
			}
		}
	}
}
