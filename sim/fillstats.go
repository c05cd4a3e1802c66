package sim

import (
	"sort"

	"github.com/econsim/econsim/sim/market"
	"github.com/econsim/econsim/sim/tax"
	"github.com/econsim/econsim/sim/welfare"
)

// fillStats is step 5: the round's statistics from the passes' sums.
func (e *Engine) fillStats(s *RoundStats, st state, in *roundIn, of *offer, cl market.Clearing, t1 choiceTotals, rd redistribution, t2 welfareTotals) {
	n := e.cfg.Agents
	fn := float64(n)
	sched := in.sched
	// The Gini's rank sums: from the welfare pass, in worker order, when
	// that is the order of incomes (consumption); else from the sorted
	// incomes — consumption's too when it is take-home pay plus the same
	// lump sum for everyone (take-home pay never falls with income, no
	// schedule having a rate above 1, so sorted incomes give sorted
	// consumption) — or from a sorted copy of consumption.
	rz, rc := t2.rankZ, t2.rankC
	fromNet := !t2.cSorted && of.capReal == 0 && !rd.rule.Targeted && in.noCredit == nil
	if !t1.zSorted || fromNet {
		z, net := e.work.rankSums(rd.sortedZ, &sched, fromNet)
		if !t1.zSorted {
			rz = z
		}
		if fromNet {
			rc = net
		}
	}
	if !t2.cSorted && !fromNet {
		rc, _ = e.work.rankSums(e.work.sortedCopy(st.cons), nil, false)
	}
	*s = RoundStats{
		Revenue:          t1.tax / fn,
		Transfer:         rd.paid / fn,
		LaborMean:        t1.l / fn,
		BRRegretMean:     t2.regret / fn,
		BRRegretMax:      t2.regretMax,
		LaborChange:      t1.dl / fn,
		Wage:             of.payWage,
		MarketResidual:   cl.Residual,
		MarketIterations: float64(cl.Iterations),
		Output:           cl.Output / fn,
		CapitalIncome:    of.capReal / fn,
		Capital:          cl.Capital / fn,
		Rates:            in.rates,
		payroll:          t1.payroll / fn,
		credit:           t1.credit / fn,
	}
	if in.rates == nil {
		s.Rates = sched.Rates()
	}
	s.fillPopulation(n, t1.z, rz, rc, &t2.popTotals)
	if e.econ.cfg.Kind != market.Production {
		s.Output = s.Productivity // output is the income workers earn
	}
	s.derive(n, t1.tax, t1.z)
}

// popTotals are the sums over a population its statistics of consumption
// and utility come from.
type popTotals struct {
	c, cPos, u, minU, wu, w float64 // Σ c, Σ c>0, Σ u, min u, Σ ω·u, Σ ω
	logC, cLogC             float64 // Σ ln c, Σ c·ln c over c > 0
	anyZeroC                bool
}

// add adds a chunk's totals o to t.
func (t *popTotals) add(o *popTotals) {
	t.c += o.c
	t.cPos += o.cPos
	t.u += o.u
	t.minU = min(t.minU, o.minU)
	t.wu += o.wu
	t.w += o.w
	t.logC += o.logC
	t.cLogC += o.cLogC
	t.anyZeroC = t.anyZeroC || o.anyZeroC
}

// fillPopulation sets the statistics of income, consumption and utility of
// a population of n from its totals: Σ z, the Gini's rank sums of income
// (rz) and of consumption (rc), and t.
func (s *RoundStats) fillPopulation(n int, z, rz, rc float64, t *popTotals) {
	fn := float64(n)
	s.Productivity = z / fn
	s.GiniPre = welfare.GiniFromSums(n, rz, z)
	s.GiniPost = welfare.GiniFromSums(n, rc, t.c)
	s.WelfareUtilitarian = t.u / fn
	s.WelfareInvIncome = t.wu / t.w
	s.WelfareRawls = t.minU
	s.Atkinson1 = welfare.Atkinson1FromSums(n, t.logC, t.cPos, t.anyZeroC)
	s.Theil = welfare.TheilFromSums(n, t.cLogC, t.cPos)
}

// derive sets the statistics that follow from the others, the one home of
// their formulas: the average tax rate (taxes over incomes, both totals; 0
// without income), equality (1 − Gini of consumption, scaled for a
// population of n) and equality × productivity.
func (s *RoundStats) derive(n int, taxes, income float64) {
	if income > 0 {
		s.AvgTaxRate = taxes / income
	}
	s.Equality = welfare.Equality(s.GiniPost, n)
	s.EqXProd = s.Equality * s.Productivity
}

// rankSums returns the Gini's rank sum Σ (2i − N − 1)·x_i of the sorted
// incomes x (i from 1), in parallel chunks; and, with net, the same sum of
// their take-home pay Net(x_i) under sched. That is consumption's rank sum
// when every worker's consumption is take-home pay plus the same lump sum
// (which adds nothing to it: the weights sum to 0), for consumption then
// comes in the incomes' order (tax.New refuses rates above 1, so take-home
// pay never falls as income rises). Take-home pay
// is linear in each bracket — slope 1 − τ_k, intercept net_k − (1 − τ_k)·b_k
// (and x itself for x ≤ 0) — and the brackets hold consecutive runs of the
// sorted incomes, so its rank sum is each run's rank sum of incomes times
// its slope plus its intercept times the run's sum of weights: no tax is
// computed per worker. The sums are added in chunk order, then run order,
// whatever the number of goroutines.
func (w *workspace) rankSums(x []float64, sched *tax.Schedule, net bool) (rz, rnet float64) {
	n := len(x)
	// runs: [starts[r], starts[r+1]) holds x ≤ 0 for r = 0, bracket r − 1
	// for r ≥ 1 (without net, the whole of x is run 0).
	starts := w.runStarts[:0]
	starts = append(starts, 0)
	if net {
		starts = append(starts, sort.Search(n, func(i int) bool { return x[i] > 0 }))
		for k := 1; k < sched.Brackets(); k++ {
			b := sched.Cutoff(k)
			starts = append(starts, sort.Search(n, func(i int) bool { return x[i] >= b }))
		}
	}
	starts = append(starts, n)
	w.runStarts = starts
	runs := len(starts) - 1
	// by chunk: the chunk's rank sum, then its runs' (the first in the
	// same running sum whatever the runs, so rz's bits do not depend on net)
	stride := runs + 1
	if len(w.runSums) < w.nChunks*stride {
		w.runSums = make([]float64, w.nChunks*stride)
	}
	sums := w.runSums[:w.nChunks*stride]
	w.parallel(func(c, lo, hi int) {
		part := sums[c*stride : (c+1)*stride]
		total := 0.0
		for r := range runs {
			a, b := max(lo, starts[r]), min(hi, starts[r+1])
			part[1+r] = 0
			if a < b {
				part[1+r], total = rankSum(x[a:b], float64(2*a+1-n), total)
			}
		}
		part[0] = total
	})
	for c := range w.nChunks {
		rz += sums[c*stride]
	}
	for r := range runs {
		if !net {
			break
		}
		var s float64 // run r's rank sum of incomes, over the chunks in order
		for c := range w.nChunks {
			s += sums[c*stride+1+r]
		}
		slope, icept := 1.0, 0.0
		if r > 0 {
			k := r - 1
			slope = 1 - sched.Rate(k)
			icept = sched.NetIn(k, sched.Cutoff(k)) - slope*sched.Cutoff(k)
		}
		// Σ (2i − N − 1) over the run's ranks i = p+1 … q
		p, q := float64(starts[r]), float64(starts[r+1])
		rnet += slope*s + icept*(q-p)*(q+p-float64(n))
	}
	return rz, rnet
}

// rankSum returns Σ rank_j·x_j, with rank_0 = rank and each next rank 2
// more, and the same terms added to total in the same order.
func rankSum(x []float64, rank, total float64) (float64, float64) {
	var s float64
	for _, v := range x {
		t := rank * v
		s += t
		total += t
		rank += 2
	}
	return s, total
}
