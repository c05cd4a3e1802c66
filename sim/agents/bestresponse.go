package agents

import (
	"math"

	"github.com/econsim/econsim/sim/tax"
)

// Response is a worker's exact best response to one tax schedule, prepared
// once per schedule and shared read-only by all goroutines.
//
// The best response is the global maximum of u(w·l − Tax(w·l) + transfer, l)
// over l ∈ [0, hours_max]. On a piecewise-linear schedule it is among: each
// segment's interior optimum when it lies inside the segment, each kink,
// l = 0 and l = hours_max. Schedules with falling rates have several local
// optima, so every candidate is evaluated and the best kept (ties go to
// fewer hours). For quasi-linear utility on a convex schedule the utility is
// concave in income and the optimum has a closed form (see choiceConvexQL),
// which is the engine's hot path.
type Response struct {
	u      Utility
	s      tax.Schedule
	hmax   float64
	convex bool
	// a[k] = ((1−τ_k)/κ)^e: under quasi-linear utility a worker with
	// potential P = w^(1+e) who faced τ_k everywhere would earn a[k]·P,
	// from the first-order condition (1−τ)·w = κ·l^(1/e).
	a []float64
	b []float64 // cutoffs
	// runs holds the first bracket of each maximal run of brackets with
	// non-decreasing rates, then the number of brackets: on a run the
	// quasi-linear objective is concave (see choiceRunsQL).
	runs []int
	// thresh[j] is the potential above which a quasi-linear worker without
	// other income or a binding hours cap does better on a run after run
	// j (see runThresholds); nil on convex schedules.
	thresh []float64
}

// NewResponse prepares the best response to schedule s for utility u and an
// hours cap hmax (hours per round). u must have been Init-ed.
func NewResponse(u Utility, s tax.Schedule, hmax float64) *Response {
	r := &Response{u: u, s: s, hmax: hmax, convex: s.Convex(), b: s.Cutoffs(), a: make([]float64, s.Brackets())}
	for k := range r.a {
		if net := 1 - s.Rate(k); net > 0 {
			r.a[k] = math.Pow(net/u.Kappa, u.Elasticity)
		}
		if k == 0 || s.Rate(k) < s.Rate(k-1) {
			r.runs = append(r.runs, k)
		}
	}
	r.runs = append(r.runs, s.Brackets())
	if u.Kind == Quasilinear && !r.convex && u.Elasticity > 0 && u.Kappa > 0 { // not savers' unused response
		r.thresh = r.runThresholds()
	}
	return r
}

// Schedule returns the schedule the response was prepared for.
func (r *Response) Schedule() tax.Schedule { return r.s }

// Utility returns the utility the response was prepared for.
func (r *Response) Utility() *Utility { return &r.u }

// HoursMax returns the hours cap.
func (r *Response) HoursMax() float64 { return r.hmax }

// Potential returns P = w^(1+e), the income scale of a worker with wage w.
// It depends only on the wage and the elasticity, so the engine caches it
// per worker.
func (u *Utility) Potential(w float64) float64 {
	switch u.Elasticity {
	case 0.5:
		return w * math.Sqrt(w)
	case 1:
		return w * w
	}
	return w * math.Pow(w, u.Elasticity)
}

// Hours returns the best-response hours of a worker with wage w > 0
// (currency per hour) and potential pot = Potential(w) who expects the
// lump-sum transfer tr and has no other income. A worker with w ≤ 0 gains
// nothing by working: 0.
func (r *Response) Hours(w, pot, tr float64) float64 {
	l, _ := r.Choice(w, pot, tr, 0)
	return l
}

// Choice returns the best-response hours and the labour income they earn,
// for a worker who also receives the untaxed transfer tr and the taxable
// non-labour income off ≥ 0 (capital income taxed with labour income: the
// schedule applies to labour income + off). On the closed-form path the
// income is computed directly (not as w·hours) wherever a candidate is
// defined by an income, so that it never falls as the wage rises, not even
// by rounding: the engine relies on that order for its linear-time Gini.
func (r *Response) Choice(w, pot, tr, off float64) (hours, income float64) {
	return r.ChoiceK(w, pot, r.u.Kappa, tr, off)
}

// ChoiceK is Choice for a worker with its own disutility scale kappa (a
// calibrated population); pot is then w^(1+e)·(κ/kappa)^e, κ the utility's,
// so that a worker's interior income is a_k·pot as in Choice.
func (r *Response) ChoiceK(w, pot, kappa, tr, off float64) (hours, income float64) {
	if w <= 0 {
		return 0, 0
	}
	if r.u.Kind == Quasilinear && r.convex {
		return r.choiceConvexQL(w, pot, off)
	}
	if r.u.Kind == Quasilinear {
		if off == 0 {
			if l, z, _, ok := r.choiceByThreshold(w, pot); ok {
				return l, z
			}
		}
		l, z, _ := r.choiceRunsQL(worker{w, pot, 0, off, kappa})
		return l, z
	}
	return r.hoursEnumerate(worker{w, pot, tr, off, kappa})
}

// choiceRunsQL is the quasi-linear best response on a schedule whose rates
// fall somewhere. Between two falls the rates rise, so on each such run of
// brackets take-home pay is concave and the objective has one optimum,
// found as on a convex schedule (firstFit, runOptimum). The best response is the best
// of the runs' optima, taken in increasing order with ties to fewer hours:
// the same choice as hoursEnumerate's among its candidates (a run's optimum
// beats every other candidate on the run), for a handful of utility
// evaluations instead of one per candidate.
func (r *Response) choiceRunsQL(x worker) (hours, income float64, run int) {
	w, pot, off := x.w, x.pot, x.off
	zmax := w * r.hmax // labour income at the cap
	bestL, bestZ, bestU := 0.0, 0.0, r.value(w, 0, x.kappa, 0, off)
	for j := 0; j+1 < len(r.runs); j++ {
		first, end := r.runs[j], r.runs[j+1] // brackets [first, end)
		top := math.Inf(1)                   // the run's upper end, total income
		if end < len(r.b) {
			top = r.b[end]
		}
		if top <= off {
			continue // the whole run lies below the other income
		}
		if max(r.b[first]-off, 0) > zmax {
			break
		}
		l, z, _ := r.runOptimum(j, w, pot, off)
		if l <= bestL {
			continue
		}
		if v := r.value(w, l, x.kappa, 0, off); v > bestU {
			bestL, bestZ, bestU, run = l, z, v, j
		}
	}
	return bestL, bestZ, run
}

// firstFit is the quasi-linear optimum's bracket on brackets [first, end)
// whose rates do not fall: with non-decreasing rates the marginal benefit
// of income (1−τ) falls while the marginal cost rises, so the optimum is in
// the first bracket k whose own optimum does not pass its upper cutoff
// (total income a[k]·P + off ≤ b_{k+1}) — interior at labour income a[k]·P
// if total income is then above b_k, otherwise bunched at the kink (labour
// income b_k − off) — or in the last one.
func (r *Response) firstFit(first, end int, pot, off float64) int {
	k := first
	for k+1 < end && r.a[k]*pot+off > r.b[k+1] {
		k++
	}
	return k
}

// choiceConvexQL is the closed-form best response on a convex schedule:
// firstFit over all brackets, the hours cap last (the objective is
// concave). Small enough to be inlined into Choice's hot path.
func (r *Response) choiceConvexQL(w, pot, off float64) (hours, income float64) {
	k := r.firstFit(0, len(r.b), pot, off)
	z := atLeast(r.a[k]*pot, r.b[k]-off)
	if zmax := w * r.hmax; z >= zmax {
		return r.hmax, zmax
	}
	return z / w, z
}

// runOptimum is the quasi-linear optimum on run j alone: firstFit on the
// run, or the run's upper end when its last bracket's optimum passes it;
// the hours cap last. k is the bracket holding the income without other
// income and below the cap, else −1.
func (r *Response) runOptimum(j int, w, pot, off float64) (hours, income float64, k int) {
	end := r.runs[j+1]
	k = r.firstFit(r.runs[j], end, pot, off)
	z := atLeast(atLeast(r.a[k]*pot, r.b[k]-off), 0)
	if end < len(r.b) && z+off > r.b[end] {
		z = r.b[end] - off
	}
	if zmax := w * r.hmax; z >= zmax {
		return r.hmax, zmax, -1
	}
	if off != 0 {
		return z / w, z, -1
	}
	return z / w, z, r.holding(k, z)
}

// holding is the bracket holding income z found as bracket k's optimum:
// k, or the next bracket when z is exactly at its cutoff.
func (r *Response) holding(k int, z float64) int {
	if k+1 < len(r.b) && z >= r.b[k+1] {
		return k + 1
	}
	return k
}

// runThresholds returns, for each run but the last, the potential T_j above
// which the best run is a later one: by single crossing the best income,
// hence the best run, never falls as the potential rises, so T_j is found
// by bisection (in log potential within ±100, incomes up to about 1e46,
// far beyond any wage, to relative 1e-15) on the run index that
// choiceRunsQL picks for a worker with no other income and no hours cap.
// A potential's income is the same for any wage (hours are income/wage),
// so a wage of 1 and κ_i = κ·P^(−1/e) stand for all.
func (r *Response) runThresholds() []float64 {
	hmax := r.hmax
	r.hmax = math.Inf(1)
	defer func() { r.hmax = hmax }()
	best := func(p float64) int {
		_, _, j := r.choiceRunsQL(worker{1, p, 0, 0, r.u.Kappa * math.Pow(p, -1/r.u.Elasticity)})
		return j
	}
	t := make([]float64, len(r.runs)-2)
	for j := range t {
		lo, hi := -100.0, 100.0 // log potential
		switch {
		case best(math.Exp(hi)) <= j:
			t[j] = math.Inf(1)
			continue
		case best(math.Exp(lo)) > j:
			t[j] = 0
			continue
		}
		for hi-lo > 1e-15*max(1, math.Abs(lo)) {
			mid := 0.5 * (lo + hi)
			if mid <= lo || mid >= hi {
				break
			}
			if best(math.Exp(mid)) > j {
				hi = mid
			} else {
				lo = mid
			}
		}
		t[j] = math.Exp(hi)
	}
	return t
}

// choiceByThreshold is the best response of a worker without other income
// from the run its potential selects (thresh); ok is false, for the full
// comparison, when the potential is within relative 1e-9 of a threshold or
// the hours cap binds (it can make an earlier run better).
func (r *Response) choiceByThreshold(w, pot float64) (hours, income float64, k int, ok bool) {
	j := 0
	for j < len(r.thresh) && pot >= r.thresh[j] {
		j++
	}
	// within 1e-9 of a threshold (|pot − t| ≤ 1e-9·t; pot is below the
	// next and not below the last)
	if (j < len(r.thresh) && r.thresh[j]-pot <= 1e-9*r.thresh[j]) || (j > 0 && pot-r.thresh[j-1] <= 1e-9*r.thresh[j-1]) {
		return 0, 0, -1, false
	}
	l, z, k := r.runOptimum(j, w, pot, 0)
	if l >= r.hmax {
		return 0, 0, -1, false
	}
	return l, z, k, true
}

// ChoiceBracket is ChoiceK for a worker without other income that also
// returns the bracket k holding its income where the quasi-linear closed
// forms know it (convex schedules, and falling ones through their run
// thresholds; below the hours cap), else −1 — so that the caller's
// Schedule.NetIn(k, income), equal to Net(income), skips the bracket scan.
func (r *Response) ChoiceBracket(w, pot, kappa, tr float64) (hours, income float64, k int) {
	if w <= 0 || r.u.Kind != Quasilinear {
		hours, income = r.ChoiceK(w, pot, kappa, tr, 0)
		return hours, income, -1
	}
	if !r.convex {
		if l, z, k, ok := r.choiceByThreshold(w, pot); ok {
			return l, z, k
		}
		hours, income = r.ChoiceK(w, pot, kappa, tr, 0)
		return hours, income, -1
	}
	// runOptimum on the one run a convex schedule is, written out: the call
	// cost the quickstart's round 5–6%
	k = r.firstFit(0, len(r.b), pot, 0)
	z := atLeast(r.a[k]*pot, r.b[k])
	if zmax := w * r.hmax; z >= zmax {
		return r.hmax, zmax, -1
	}
	return z / w, z, r.holding(k, z)
}

// value is the utility of working l hours at wage w with transfer tr and
// taxable other income off, for disutility scale kappa.
func (r *Response) value(w, l, kappa, tr, off float64) float64 {
	y := w*l + off
	return r.u.ValueK(r.s.Net(y)+tr, l, kappa)
}

// Value is the utility of working l hours at wage w with the untaxed
// transfer tr and the taxable other income off.
func (r *Response) Value(w, l, tr, off float64) float64 { return r.value(w, l, r.u.Kappa, tr, off) }

// ValueK is Value for a worker with its own disutility scale kappa.
func (r *Response) ValueK(w, l, kappa, tr, off float64) float64 {
	return r.value(w, l, kappa, tr, off)
}
