package sim

import (
	"context"
	"math"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/planner"
	"github.com/econsim/econsim/sim/tax"
)

// maxFixedPoint bounds the iterations on transfers when a model evaluation
// has income effects (isoelastic utility).
const maxFixedPoint = 100

var _ planner.Model = (*model)(nil)

// model is the engine's answer to planner.Model: a round computed on scratch
// slices (allocated on first use and reused, so evaluations allocate
// nothing that grows with the population) in which every worker plays its
// best response. Noisy workers are represented by their best response, the
// mean of their mean-preserving error when hours_max does not bind; adaptive
// workers by the best response, the steady state of partial adjustment.
type model struct {
	e     *Engine
	st    state
	stats RoundStats
	evals int // evaluations so far, for the summary
}

// Evaluate implements planner.Model.
func (m *model) Evaluate(_ context.Context, s tax.Schedule) (planner.Metrics, []float64) {
	m.evals++
	e := m.e
	n := e.cfg.Agents
	if m.st.hours == nil {
		m.st = state{make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)}
	}
	copy(m.st.income, e.pop.Income)
	all, noCredit, err := e.prepare(s)
	if err != nil { // outside what the system allows: nothing to recommend it
		return m.unusable(s), m.st.util
	}
	in := roundIn{
		sched:    all.sched,
		rates:    s.Rates(),
		resp:     all.resp,
		noCredit: noCredit,
		beh:      agents.Behavior{Kind: agents.Rational},
		expect:   e.now.expect,
	}
	for range maxFixedPoint {
		copy(m.st.hours, e.pop.Hours) // labor_change is measured from now
		rule, _, err := e.compute(m.st, in, &m.stats)
		if err != nil { // no clearing wage under s: nothing to recommend it
			return m.unusable(s), m.st.util
		}
		if e.u.Kind == agents.Quasilinear || rule.near(in.expect) {
			break
		}
		in.expect = rule
	}
	m.stats.Round = e.round
	e.fillObjective(&m.stats)
	return &m.stats, m.st.util
}

// unusable returns the statistics of a schedule with nothing to recommend
// it (no clearing wage, or rates the tax system does not allow): NaN
// objectives and every worker's utility −∞.
func (m *model) unusable(s tax.Schedule) *RoundStats {
	nan := math.NaN()
	m.stats = RoundStats{Round: m.e.round, Rates: s.Rates(), Objective: nan, StackelbergGap: nan,
		WelfareUtilitarian: nan, WelfareInvIncome: nan, WelfareRawls: nan, Productivity: nan, Equality: nan, EqXProd: nan}
	for i := range m.st.util {
		m.st.util[i] = math.Inf(-1)
	}
	return &m.stats
}

// near reports whether two transfer rules agree to 1e-10 relative.
func (r transferRule) near(o transferRule) bool {
	c := func(a, b float64) bool { return math.Abs(a-b) <= 1e-10*math.Max(1, math.Abs(b)) }
	return r.Targeted == o.Targeted && c(r.Lump, o.Lump) && c(r.Share, o.Share) && c(r.Threshold, o.Threshold)
}
