package planner

import (
	"context"
	"math"
	"testing"

	"github.com/econsim/econsim/sim/tax"
)

// Under the 2024 system the top bracket's combined rate (income tax +
// Medicare + Additional Medicare, 2.35%) is Saez's (1 − ḡ)/(1 − ḡ + a·e) for
// earnings Pareto with coefficient a above the top bracket's start in
// earnings (D + b = 623,950), ḡ the weights' mean above it weighted by
// z − b. Earnings are quantiles of a Pareto from $20,000 (a = 1.81), so the
// tail's own a is 1.81 up to the quantile sample's truncation (tolerance
// 0.01, as for TestSaezExact's top bracket).
func TestSaezSystemTopRate(t *testing.T) {
	const a, e, n = 1.81, 0.5, 400000
	z := make([]float64, n)
	for i := range z {
		z[i] = 20000 * math.Pow(1-(float64(i)+0.5)/n, -1/a)
	}
	sys := tax.US2024Single()
	p := &Saez{Elasticity: e}
	bounds := tax.Bounds{Min: -0.2, Max: 0.8}
	sched := tax.MustNew(sys.Cutoffs, tax.USFederalRates(), bounds)
	p.Observe(Observation{Schedule: sched, Stats: noMetrics{}, Income: z})
	s, err := p.Propose(context.Background(), Request{Cutoffs: sys.Cutoffs, Bounds: bounds, System: &sys})
	if err != nil {
		t.Fatal(err)
	}
	top := sys.StandardDeduction + sys.Cutoffs[len(sys.Cutoffs)-1]
	var sumW, gw, w float64
	for _, x := range z {
		sumW += 1 / x
	}
	meanW := sumW / n
	for _, x := range z {
		if x > top {
			gw += (1 / x / meanW) * (x - top)
			w += x - top
		}
	}
	gbar := gw / w
	want := (1 - gbar) / (1 - gbar + a*e)
	got := s.Rate(len(sys.Cutoffs)-1) + sys.MedicareRate + sys.AddlMedicareRate
	if math.Abs(got-want) > 0.01 {
		t.Errorf("combined top rate %.4f, want (1 − ḡ)/(1 − ḡ + a·e) = %.4f (ḡ = %.2g)", got, want, gbar)
	}
}

// solveBracket solves a = e·Σ z_j(τ + o_j)/(1 − τ − o_j): checked against the
// closed form with one rate, and by substitution with two.
func TestSolveBracket(t *testing.T) {
	const a, e = 3e6, 0.5
	one := solveBracket(a, e, []rateGroup{{0.0765, 1e7}})
	if want := a/(a+e*1e7) - 0.0765; math.Abs(one-want) > 1e-12 {
		t.Errorf("one group: τ = %v, want %v", one, want)
	}
	gs := []rateGroup{{0.0765, 4e6}, {0.153, 6e6}}
	tau := solveBracket(a, e, gs)
	rhs := e * (4e6*(tau+0.0765)/(1-tau-0.0765) + 6e6*(tau+0.153)/(1-tau-0.153))
	if math.Abs(rhs-a) > 1e-6*a {
		t.Errorf("two groups: τ = %v gives %v, want %v", tau, rhs, a)
	}
	if got := solveBracket(-1e9, e, gs); !math.IsInf(got, -1) {
		t.Errorf("a large negative mechanical effect gives %v, want −Inf (the lower bound)", got)
	}
}
