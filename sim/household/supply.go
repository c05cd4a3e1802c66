package household

import (
	"context"
	"fmt"
	"math"

	"github.com/econsim/econsim/sim/agents"
	"github.com/econsim/econsim/sim/market"
)

// scaledRevenue guesses the capital, wealth and consumption taxes' revenue
// at r from rv, their revenue at r0: each scaled by its base where capital
// is what the firm demands, r·K, K and Y − δK. The transfer's fixed point
// then starts close to its answer near the equilibrium.
func scaledRevenue(rv Revenue, m market.Config, r0, r float64) float64 {
	k0, k := m.CapitalRatio(r0), m.CapitalRatio(r)
	c0 := m.TFP*math.Pow(k0, m.Alpha) - m.Depreciation*k0
	c := m.TFP*math.Pow(k, m.Alpha) - m.Depreciation*k
	ratio := func(a, b float64) float64 {
		if b == 0 || math.IsNaN(a/b) || math.IsInf(a/b, 0) {
			return 1
		}
		return a / b
	}
	return rv.Capital*ratio(r*k, r0*k0) + rv.Wealth*ratio(k, k0) + rv.Consumption*ratio(c, c0)
}

// supplier evaluates the households' supply of capital at an interest
// rate, keeping each evaluation's policy, distribution and transfer as the
// next one's start; st holds the last evaluation's.
type supplier struct {
	hh           *Config
	sv           *agents.Saver
	ch           *agents.Chain
	m            market.Config
	p            *TaxPolicy
	redistribute bool
	tol          Tolerances
	g            []float64
	st           *Stationary

	pol      *agents.Policy
	hist     *agents.Histogram
	types    []TypeEquilibrium // with several patience types, each one's (pol and hist unused)
	transfer float64           // the last evaluation's
	prevR    float64
	labor    float64 // efficiency labour of the last evaluation (elastic hours)
}

// supply returns the capital households hold per head in the stationary
// distribution at r — per unit of efficiency labour with elastic hours —
// with the transfer at its fixed point (revenue = the transfer paid) when
// revenue is redistributed.
func (sp *supplier) supply(ctx context.Context, r float64) (float64, error) {
	ch, p, st := sp.ch, sp.p, sp.st
	w := sp.m.WageAt(r)
	if !(w > 0) || math.IsInf(w, 0) {
		return 0, fmt.Errorf("the wage at r = %.6g is %v: the production function overflows (capital share α = %v)", r, w, sp.m.Alpha)
	}
	lab, err := sp.hh.Labor(ch, p, w)
	if err != nil {
		return 0, err
	}
	_, labor := NewBudget(ch, p, r, w, 0, ch.Stationary)
	if lab != nil {
		labor = 0 // revenue from the hours chosen, below
	}
	switch {
	case math.IsNaN(sp.transfer) || (p.Untaxed() && lab == nil): // then revenue is the labour tax's alone
		sp.transfer = labor
	case sp.prevR != r:
		// start from the last evaluation's revenue, each tax's part scaled
		// by its base at the firm's demand for capital
		sp.transfer = labor + scaledRevenue(st.Revenue, sp.m, sp.prevR, r)
	}
	sp.prevR = r
	if !sp.redistribute {
		sp.transfer = 0
	}
	var prevT, prevGap float64
	for it := 0; ; it++ {
		supply, gap, err := sp.at(ctx, r, w, lab, labor)
		if err != nil || !sp.redistribute || math.Abs(gap) <= sp.tol.transfer*max(1, w) {
			return supply, err
		}
		if it == maxTransferIterations {
			return 0, fmt.Errorf("the transfer did not settle in %d iterations (%.6g against revenue %.6g)", it, sp.transfer, sp.st.Revenue.Total())
		}
		// the secant on gap(T) once two points are known (revenue moves
		// little with the transfer, so gap is nearly linear), else the
		// plain update T ← revenue
		next := sp.transfer + gap
		if it > 0 && gap != prevGap {
			next = sp.transfer - gap*(sp.transfer-prevT)/(gap-prevGap)
		}
		prevT, prevGap, sp.transfer = sp.transfer, gap, next
	}
}

// at evaluates the households at r (wage w, hours lab, labour tax
// revenue labor) and the transfer sp.transfer: their policy and stationary
// distribution, kept in sp and sp.st, the capital they supply per head
// (per unit of efficiency labour with elastic hours) and the revenue less
// the transfer.
func (sp *supplier) at(ctx context.Context, r, w float64, lab *agents.Labor, labor float64) (supply, gap float64, err error) {
	ch, p, st := sp.ch, sp.p, sp.st
	b, _ := NewBudget(ch, p, r, w, sp.transfer, ch.Stationary)
	if lab != nil {
		b = NewLaborBudget(ch, p, r, sp.transfer, lab)
	}
	if err := negativeTransfer(&b, sp.g, sp.transfer); err != nil {
		return 0, 0, err
	}
	if sp.hh.Typed() {
		supply, rv, err := sp.atTypes(ctx, &b, labor)
		if err != nil {
			return 0, 0, err
		}
		st.Budget, st.Revenue, st.Transfer = b, rv, sp.transfer
		return supply, rv.Total() - sp.transfer, nil
	}
	rule := sp.sv.Rule(ch, &b, w, sp.m.Depreciation)
	if rule == nil {
		pl, err := sp.sv.Solve(ctx, ch, &b, sp.g, sp.pol, sp.tol.policy)
		if err != nil {
			return 0, 0, err
		}
		sp.pol, rule = pl, pl
	}
	hs, err := agents.Stationary(ctx, ch, rule, &b, sp.g, sp.hist, sp.tol.histogram)
	if err != nil {
		return 0, 0, err
	}
	sp.hist = hs
	rv := HistogramRevenue(hs, rule, &b, p)
	rv.Labor = labor
	supply = hs.Mean()
	if lab != nil {
		rv.Labor, sp.labor, st.HoursMean = HistogramLabor(hs, sp.pol, &b, ch)
		supply /= sp.labor
	}
	st.Rule, st.Histogram, st.Budget, st.Revenue, st.Transfer = rule, hs, b, rv, sp.transfer
	if !sp.sv.Heuristic() {
		st.Policy = sp.pol
	}
	return supply, rv.Total() - sp.transfer, nil
}

// negativeTransfer returns an error when revenue is negative (the taxes pay
// out more than they raise) and the lump-sum transfer that balances it
// leaves a household at the borrowing limit nothing to consume.
func negativeTransfer(b *agents.Budget, g []float64, transfer float64) error {
	if transfer >= 0 || b.Labor != nil {
		return nil
	}
	for s := range b.Income {
		if c := b.Cash(g[0], s) - g[0]; !(c > 0) {
			return fmt.Errorf("tax revenue is negative (the taxes pay out more than they raise), and the lump-sum transfer that balances it takes %.4g from every household, leaving those in state %d at the borrowing limit %.4g to consume: raise the lowest tax rates or return no revenue (tax.redistribution = \"none\")", -transfer, s, c)
		}
	}
	return nil
}
