package planner

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/econsim/econsim/sim/metric"
	"github.com/econsim/econsim/sim/tax"
)

var _ Planner = (*Learn)(nil)

// Learn is a model-free planner that, like the AI Economist's RL planner,
// learns only from the objective it observes. It runs simultaneous
// perturbation stochastic approximation (SPSA; Spall 1998) on the rates,
// with one evaluation per tax period: the mean objective over the period.
//
// Iteration j takes two periods. With θ the current rates and Δ a vector of
// random ±1 signs (from Rand), it plays θ + c_j·Δ, then θ − c_j·Δ, observing
// y₊ and y₋, and moves
//
//	θ ← clip(θ + a_j · (y₊ − y₋)/(2·c_j·|y₀|) · Δ)
//
// where |y₀| (the first observed objective's magnitude, at least 1e-12)
// makes the step independent of the objective's units. The gains follow
// Spall's recommended decay: a_j = Step/(j+1)^0.602 and
// c_j = Perturbation/(j+1)^0.101. Played rates are clipped to the bounds.
type Learn struct {
	Objective    string
	Start        []float64  // initial rates: one for every bracket, or one each; default 0
	Step         float64    // a, default DefaultStep
	Perturbation float64    // c, default DefaultPerturbation
	Rand         *rand.Rand // perturbation signs; required

	theta, delta []float64
	phase        int // 0: about to play θ + cΔ; 1: about to play θ − cΔ; 2: update
	iter         int
	yPlus        float64
	scale        float64
	sum          float64
	count        int
}

// Rates returns the current estimate θ (not the perturbed rates in play).
func (p *Learn) Rates() []float64 { return slices.Clone(p.theta) }

// Observe implements Planner: it accumulates this period's objective.
func (p *Learn) Observe(obs Observation) {
	if v, ok := obs.Stats.Metric(p.Objective); ok {
		p.sum += metric.Sign(p.Objective) * v // the score it climbs
		p.count++
	}
}

// Propose implements Planner.
func (p *Learn) Propose(_ context.Context, req Request) (tax.Schedule, error) {
	k := len(req.Cutoffs)
	if p.theta == nil {
		p.theta = make([]float64, k)
		for i := range p.theta {
			switch len(p.Start) {
			case 0:
			case 1:
				p.theta[i] = p.Start[0]
			default:
				p.theta[i] = p.Start[i]
			}
			p.theta[i] = req.Bounds.Clamp(p.theta[i])
		}
		p.delta = make([]float64, k)
	}
	y := 0.0
	if p.count > 0 {
		y = p.sum / float64(p.count)
	}
	p.sum, p.count = 0, 0
	a, c := p.gains()
	switch p.phase {
	case 1: // y is the objective under θ + cΔ
		p.yPlus = y
		if p.scale == 0 {
			p.scale = math.Max(math.Abs(y), 1e-12)
		}
	case 2: // y is the objective under θ − cΔ: update
		g := (p.yPlus - y) / (2 * c * p.scale)
		for i := range p.theta {
			p.theta[i] = req.Bounds.Clamp(p.theta[i] + a*g*p.delta[i])
		}
		p.iter++
		p.phase = 0
		_, c = p.gains() // the next iteration's perturbation
	}
	if p.phase == 0 {
		for i := range p.delta {
			p.delta[i] = float64(2*p.Rand.IntN(2) - 1)
		}
	}
	sign := 1.0
	if p.phase == 1 {
		sign = -1
	}
	rates := make([]float64, k)
	for i := range rates {
		rates[i] = req.Bounds.Clamp(p.theta[i] + sign*c*p.delta[i])
	}
	p.phase++
	return tax.New(req.Cutoffs, rates, req.Bounds)
}

func (p *Learn) gains() (a, c float64) {
	a, c = p.Step, p.Perturbation
	if a == 0 {
		a = DefaultStep
	}
	if c == 0 {
		c = DefaultPerturbation
	}
	j := float64(p.iter + 1)
	return a / math.Pow(j, 0.602), c / math.Pow(j, 0.101)
}
