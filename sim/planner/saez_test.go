package planner

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/econsim/econsim/sim/tax"
)

type noMetrics struct{}

func (noMetrics) Metric(string) (float64, bool) { return 0, false }

// paretoIncomes returns the n quantiles x·(1 − (i+½)/n)^(−1/α) of a Pareto
// distribution: a deterministic sample with the exact shape.
func paretoIncomes(n int, xmin, alpha float64) []float64 {
	z := make([]float64, n)
	for i := range z {
		z[i] = xmin * math.Pow(1-(float64(i)+0.5)/float64(n), -1/alpha)
	}
	return z
}

// TestSaezPareto: for Pareto incomes (minimum x, index α) the local Pareto
// parameter a(z) = α everywhere, and with weights 1/z,
// G(z) = E[1/z | z ≥ Z]/E[1/z] = x/Z. So τ(z) = (1 − x/z)/(1 − x/z + α·e),
// the top bracket's rate is τ(b) exactly, and a middle bracket's rate is the
// average of τ over the bracket, computed here by Simpson's rule.
func TestSaezPareto(t *testing.T) {
	const xmin, alpha, e = 10.0, 2.5, 0.5
	cut := []float64{0, 10, 30, 60}
	p := &Saez{Elasticity: e}
	sched := tax.MustNew(cut, []float64{0, 0, 0, 0}, tax.DefaultBounds)
	p.Observe(Observation{Schedule: sched, Stats: noMetrics{}, Income: paretoIncomes(1_000_000, xmin, alpha)})
	s, err := p.Propose(context.Background(), Request{Cutoffs: cut, Bounds: tax.DefaultBounds})
	if err != nil {
		t.Fatal(err)
	}
	tau := func(z float64) float64 { g := xmin / z; return (1 - g) / (1 - g + alpha*e) }
	avg := func(a, b float64) float64 {
		const m = 1000
		h := (b - a) / m
		sum := tau(a) + tau(b)
		for i := 1; i < m; i++ {
			c := 2.0
			if i%2 == 1 {
				c = 4
			}
			sum += c * tau(a+float64(i)*h)
		}
		return sum * h / 3 / (b - a)
	}
	want := []float64{0, avg(10, 30), avg(30, 60), tau(60)}
	// Bracket 0 lies below the minimum income: no workers, so it takes 0.
	for k, w := range want {
		t.Logf("bracket %d: theory %.5f, saez %.5f", k, w, s.Rate(k))
		if got := s.Rate(k); math.Abs(got-w) > 5e-3 {
			t.Errorf("bracket %d: rate %.5f, want %.5f", k, got, w)
		}
	}
	// Utilitarian weights: no redistributive motive, every rate 0.
	u := &Saez{Elasticity: e, Weights: "uniform"}
	u.Observe(Observation{Schedule: sched, Stats: noMetrics{}, Income: paretoIncomes(100_000, xmin, alpha)})
	s, _ = u.Propose(context.Background(), Request{Cutoffs: cut, Bounds: tax.DefaultBounds})
	for k := range cut {
		if r := s.Rate(k); math.Abs(r) > 1e-12 {
			t.Errorf("uniform weights: rate %d = %v, want 0", k, r)
		}
	}
}

func TestSaezStartsWithoutTax(t *testing.T) {
	p := &Saez{Elasticity: 0.5}
	s, err := p.Propose(context.Background(), Request{Cutoffs: []float64{0, 10}, Bounds: tax.Bounds{Min: 0.05, Max: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Rate(0) != 0.05 || s.Rate(1) != 0.05 {
		t.Errorf("first proposal %v, want the lowest allowed rates", s.Rates())
	}
}

// TestSaezNoGrowingAllocations: after the first period, a proposal on
// 200,000 workers allocates only the schedule (buffers are reused).
func TestSaezNoGrowingAllocations(t *testing.T) {
	cut := []float64{0, 15, 30, 60}
	p := &Saez{Rand: rand.New(rand.NewPCG(1, 2))}
	z := paretoIncomes(200_000, 10, 2.5)
	sched := tax.MustNew(cut, []float64{.1, .2, .3, .4}, tax.DefaultBounds)
	obs := Observation{Schedule: sched, Stats: noMetrics{}, Income: z}
	req := Request{Cutoffs: cut, Bounds: tax.DefaultBounds}
	p.Observe(obs)
	p.Propose(context.Background(), req)
	allocs := testing.AllocsPerRun(5, func() {
		p.Observe(obs)
		p.Propose(context.Background(), req)
	})
	if allocs > 10 {
		t.Errorf("%v allocations per period, want a few (the schedule)", allocs)
	}
}
