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

// lognormalIncomes returns the n quantiles exp(μ + σ·Φ⁻¹((i+½)/n)).
func lognormalIncomes(n int, mu, sigma float64) []float64 {
	z := make([]float64, n)
	for i := range z {
		u := (float64(i) + 0.5) / float64(n)
		z[i] = math.Exp(mu + sigma*math.Sqrt2*math.Erfinv(2*u-1))
	}
	return z
}

// exactSaez computes, by numerical integration over t = ln z (composite
// Simpson, split at every cutoff), the perturbation rates
// τ_k = A_k/(A_k + e·Z_k) of a continuous income distribution with log
// density logDens on [tlo, thi]: A_k = E[(1 − g(z))·clamp(z − b_k, 0,
// b_{k+1} − b_k)], Z_k = E[z; b_k < z < b_{k+1}], g = (1/max(z,1))/E[1/max(z,1)].
// It shares no code with the planner.
func exactSaez(cut []float64, e float64, logDens func(t float64) float64, tlo, thi float64) []float64 {
	knots := []float64{tlo}
	for _, c := range cut {
		if c > 0 && math.Log(c) > tlo && math.Log(c) < thi {
			knots = append(knots, math.Log(c))
		}
	}
	knots = append(knots, thi)
	integrate := func(h func(z float64) float64) float64 {
		var total float64
		for s := 0; s+1 < len(knots); s++ {
			a, b := knots[s], knots[s+1]
			const m = 20000
			dt := (b - a) / m
			f := func(t float64) float64 { return h(math.Exp(t)) * logDens(t) }
			sum := f(a) + f(b)
			for i := 1; i < m; i++ {
				c := 2.0
				if i%2 == 1 {
					c = 4
				}
				sum += c * f(a+float64(i)*dt)
			}
			total += sum * dt / 3
		}
		return total
	}
	ew := integrate(func(z float64) float64 { return 1 / math.Max(z, 1) })
	out := make([]float64, len(cut))
	for k, lo := range cut {
		hi := math.Inf(1)
		if k+1 < len(cut) {
			hi = cut[k+1]
		}
		a := integrate(func(z float64) float64 {
			return (1 - (1/math.Max(z, 1))/ew) * math.Max(0, math.Min(z, hi)-lo)
		})
		zk := integrate(func(z float64) float64 {
			if z > lo && z < hi {
				return z
			}
			return 0
		})
		out[k] = a / (a + e*zk)
		if zk == 0 && math.Abs(a) < 1e-9 { // nobody inside, nothing gained: the bracket below's rate
			out[k] = 0
			if k > 0 {
				out[k] = out[k-1]
			}
		}
	}
	return out
}

func saezOn(t *testing.T, p *Saez, cut, z []float64) tax.Schedule {
	t.Helper()
	sched := tax.MustNew(cut, make([]float64, len(cut)), tax.DefaultBounds)
	p.Observe(Observation{Schedule: sched, Stats: noMetrics{}, Income: z})
	s, err := p.Propose(context.Background(), Request{Cutoffs: cut, Bounds: tax.DefaultBounds})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSaezExact: on deterministic quantile samples of lognormal and Pareto
// incomes, every bracket's rate equals the perturbation formula integrated
// over the continuous distribution. Tolerance 2e-3: a quantile sample of n
// points approximates the integrals to O(1/n) for the lognormal and, for the
// Pareto's top bracket, misses the tail beyond its largest point: about
// 4·10⁶·(10/204)^2.5 = 2,100 workers lie above 204, whose mean then falls
// short by roughly 2100^(1/α − 1) ≈ 1%, which raises a = m/(m − b) by a
// percent or two and lowers the rate by about 1e-3. The old average of binned local rates was off by 0.136
// in the lognormal's lowest bracket.
//
// A sparse bracket (204–510 under the Pareto tail at 20,000 workers: 9
// workers inside) is within 0.02, where the binned average was 0.1 off:
// its Z_k rests on 9 stratified points, the top one carrying about a fifth.
func TestSaezExact(t *testing.T) {
	const e = 0.5
	cases := []struct {
		name     string
		z        []float64
		cut      []float64
		logDens  func(float64) float64
		tlo, thi float64
	}{
		{"lognormal", lognormalIncomes(20000, math.Log(40000), 0.7), []float64{0, 11600, 47150, 100525, 191950},
			func(t float64) float64 {
				x := (t - math.Log(40000)) / 0.7
				return math.Exp(-x*x/2) / (0.7 * math.Sqrt(2*math.Pi))
			}, math.Log(40000) - 12*0.7, math.Log(40000) + 12*0.7},
		{"pareto", paretoIncomes(4_000_000, 10, 2.5), []float64{0, 10, 30, 60, 204},
			func(t float64) float64 { return 2.5 * math.Exp(-2.5*(t-math.Log(10))) }, math.Log(10), math.Log(10) + 30},
	}
	for _, c := range cases {
		s := saezOn(t, &Saez{Elasticity: e}, c.cut, c.z)
		want := exactSaez(c.cut, e, c.logDens, c.tlo, c.thi)
		for k, w := range want {
			got := s.Rate(k)
			t.Logf("%s bracket %d: exact %.5f, saez %.5f", c.name, k, w, got)
			if math.Abs(got-w) > 2e-3 {
				t.Errorf("%s bracket %d: rate %.5f, want %.5f ± 2e-3", c.name, k, got, w)
			}
		}
	}
	cut := []float64{0, 10, 30, 60, 204, 510}
	sparse := saezOn(t, &Saez{Elasticity: e}, cut, paretoIncomes(20000, 10, 2.5)).Rate(4)
	want := exactSaez(cut, e, cases[1].logDens, cases[1].tlo, cases[1].thi)[4]
	t.Logf("sparse bracket 204–510 at 20,000 workers: exact %.5f, saez %.5f", want, sparse)
	if math.Abs(sparse-want) > 0.02 {
		t.Errorf("sparse bracket: rate %.5f, want %.5f ± 0.02", sparse, want)
	}
	// Utilitarian weights: no redistributive motive, every rate 0.
	u := saezOn(t, &Saez{Elasticity: e, Weights: "uniform"}, []float64{0, 10, 30, 60}, paretoIncomes(100_000, 10, 2.5))
	for k := range 4 {
		if r := u.Rate(k); math.Abs(r) > 1e-12 {
			t.Errorf("uniform weights: rate %d = %v, want 0", k, r)
		}
	}
}

// TestSaezTopBracketClosedForm: for Pareto incomes above b the top rate is
// (1 − ḡ)/(1 − ḡ + a·e) with a = α (m/(m − b) = α for a Pareto tail) and,
// with weights 1/z, ḡ = E[(z − b)/z]·… computed in closed form:
// E[(z − b)·(1/z)] / E[z − b] over the tail, divided by E[1/z] over all.
// For x = 10, α = 2.5, b = 60: E over the tail of (z−b)/z = 1 − αb/((α+1)b)
// = 1/(α+1); E[z − b] = b/(α − 1); so the unnormalised ḡ = (α − 1)/((α+1)·b)
// and E[1/z] = α/((α+1)·x), giving ḡ = (α − 1)·x/(α·b) = 0.1.
func TestSaezTopBracketClosedForm(t *testing.T) {
	const x, alpha, b, e = 10.0, 2.5, 60.0, 0.5
	gbar := (alpha - 1) * x / (alpha * b)
	want := (1 - gbar) / (1 - gbar + alpha*e)
	s := saezOn(t, &Saez{Elasticity: e}, []float64{0, b}, paretoIncomes(2_000_000, x, alpha))
	if got := s.Rate(1); math.Abs(got-want) > 1e-3 {
		t.Errorf("top rate %.5f, want %.5f (ḡ = %.3f)", got, want, gbar)
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
