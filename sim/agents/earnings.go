package agents

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"sync"

	"github.com/econsim/econsim/sim/field"
	"github.com/econsim/econsim/sim/tax"
)

// The calibrated US earnings population (us_earnings_2024): target
// earnings and hours, and the inversion of the workers' best response that
// reproduces them. Sources in data/PROVENANCE.md.
var (
	//go:embed data/us_earnings_2024.csv
	earningsCSV []byte
	//go:embed data/us_hours_by_wage_quintile_2016.csv
	hoursCSV []byte
)

// EarningsTarget is a distribution of annual earnings given by its quantile
// function: log-linear between published percentiles up to the last, and
// above it a Pareto tail whose coefficient may change at given percentiles.
type EarningsTarget struct {
	Percentiles []float64 // ascending, in [0, 100): the body's points, first 0
	Earnings    []float64 // $ a year at each of them
	TailFrom    []float64 // percentiles where the tail's segments start, first the body's last
	TailA       []float64 // the Pareto coefficient of each segment
}

// HoursProfile is annual hours by earnings quintile (lowest first).
type HoursProfile [5]float64

// USEarnings2024 returns the embedded target: BLS OEWS May 2023 percentiles
// from full-year minimum-wage work to p90, then Pareto with coefficients
// from SSA 2022 top wage shares.
var USEarnings2024 = sync.OnceValue(func() EarningsTarget {
	t, err := parseEarnings(earningsCSV)
	if err != nil {
		panic("agents: embedded earnings data: " + err.Error())
	}
	return t
})

// USHours2016 returns the embedded hours: EPI's CPS-ASEC average annual
// hours of prime-age earners by wage quintile, 2016.
var USHours2016 = sync.OnceValue(func() HoursProfile {
	rows, err := csv.NewReader(bytes.NewReader(hoursCSV)).ReadAll()
	var h HoursProfile
	if err == nil && len(rows) != 6 {
		err = fmt.Errorf("%d rows, want a header and 5 quintiles", len(rows))
	}
	for i := 0; err == nil && i < 5; i++ {
		h[i], err = strconv.ParseFloat(rows[i+1][1], 64)
	}
	if err != nil {
		panic("agents: embedded hours data: " + err.Error())
	}
	return h
})

func parseEarnings(data []byte) (EarningsTarget, error) {
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		return EarningsTarget{}, err
	}
	var t EarningsTarget
	if len(rows) < 2 || len(rows[0]) < 3 {
		return t, fmt.Errorf("earnings target: want a header and rows of percentile, annual_earnings, pareto_a")
	}
	for _, r := range rows[1:] {
		p, err := strconv.ParseFloat(r[0], 64)
		if err != nil {
			return t, err
		}
		if r[1] != "" {
			z, err := strconv.ParseFloat(r[1], 64)
			if err != nil {
				return t, err
			}
			t.Percentiles, t.Earnings = append(t.Percentiles, p), append(t.Earnings, z)
		}
		if r[2] != "" {
			a, err := strconv.ParseFloat(r[2], 64)
			if err != nil {
				return t, err
			}
			t.TailFrom, t.TailA = append(t.TailFrom, p), append(t.TailA, a)
		}
	}
	return t, t.Validate()
}

// Validate checks the target's shape: a body from percentile 0 with rising
// percentiles and earnings, and a tail starting at its last point with
// coefficients above 1 (a finite mean).
func (t EarningsTarget) Validate() error {
	n := len(t.Percentiles)
	if n < 2 || n != len(t.Earnings) || t.Percentiles[0] != 0 {
		return fmt.Errorf("earnings target: need at least two points, the first at percentile 0")
	}
	for i, z := range t.Earnings {
		if !(z > 0) || math.IsInf(z, 0) {
			return fmt.Errorf("earnings target: earnings at p%v must be positive and finite, got %v", t.Percentiles[i], z)
		}
	}
	for i := 1; i < n; i++ {
		if !(t.Percentiles[i] > t.Percentiles[i-1] && t.Earnings[i] > t.Earnings[i-1] && t.Percentiles[i] < 100) {
			return fmt.Errorf("earnings target: point %d (p%v, $%v) does not rise from the one before", i, t.Percentiles[i], t.Earnings[i])
		}
	}
	if len(t.TailFrom) == 0 || len(t.TailFrom) != len(t.TailA) || t.TailFrom[0] != t.Percentiles[n-1] {
		return fmt.Errorf("earnings target: the tail must start at the body's last percentile")
	}
	for i, a := range t.TailA {
		if !(a > 1) || math.IsInf(a, 0) || (i > 0 && !(t.TailFrom[i] > t.TailFrom[i-1] && t.TailFrom[i] < 100)) {
			return fmt.Errorf("earnings target: tail segment %d (from p%v, a = %v) is not a rising percentile below 100 with a > 1", i, t.TailFrom[i], a)
		}
	}
	return nil
}

// Quantile returns the earnings at probability u ∈ [0, 1).
func (t EarningsTarget) Quantile(u float64) float64 {
	p := 100 * u
	n := len(t.Percentiles)
	if p <= t.Percentiles[n-1] {
		k := 1
		for t.Percentiles[k] < p {
			k++
		}
		p0, p1 := t.Percentiles[k-1], t.Percentiles[k]
		l0, l1 := math.Log(t.Earnings[k-1]), math.Log(t.Earnings[k])
		return math.Exp(l0 + (p-p0)/(p1-p0)*(l1-l0))
	}
	// Pareto: above a segment's start s with earnings z_s, the survival
	// share is (1 − s)·(z_s/z)^a, so z = z_s·((1 − s)/(1 − u))^(1/a).
	z := t.Earnings[n-1]
	for k, s := range t.TailFrom {
		end := 100.0
		if k+1 < len(t.TailFrom) {
			end = t.TailFrom[k+1]
		}
		a := t.TailA[k]
		if p <= end || k+1 == len(t.TailFrom) {
			return z * math.Pow((100-s)/(100-p), 1/a)
		}
		z *= math.Pow((100-s)/(100-end), 1/a)
	}
	panic("unreachable")
}

// Hours returns the profile's hours at probability u: its quintile's.
func (h HoursProfile) Hours(u float64) float64 {
	return h[min(max(int(5*u), 0), 4)]
}

// Calibrated is a population inferred from target earnings and hours, as
// Saez (2001) infers skills: every worker's wage and disutility scale are
// set so that its best response to the baseline schedule is its target
// earnings z_i at its target hours h_i.
type Calibrated struct {
	Skill     []float64 // wage w_i = z_i/h_i, $ an hour
	Potential []float64 // P_i, what Response.Choice takes: w_i^(1+e)·(κ/κ_i)^e
	Kappa     []float64 // κ_i, the disutility scale
	// Misses counts the workers whose target no worker chooses: earnings
	// in the gap that opens where the baseline's marginal rate falls (just
	// around the Social Security wage base and the end of the credit's
	// phase-out), who earn the gap's nearer edge instead.
	Misses int
}

// Calibrate draws n workers' target percentiles u_i = (i + U_i)/n, one in
// each n-th of [0, 1) (stratified, so the targets' quantiles hold to O(1/n)
// rather than O(1/√n)), with earnings z_i = t.Quantile(u_i) and hours
// h_i = hours.Hours(u_i), and inverts the quasi-linear best response to the
// baseline schedule s: a worker with potential P earns a_k·P inside segment
// k (a_k = ((1 − τ_k)/κ)^e), so P_i = z_i/a_k for the segment holding z_i,
// and w_i = z_i/h_i. Kinks:
//
//   - where s's rate rises, the inversion places nobody at the kink (the
//     skills that would bunch there are absent), as the targets have no
//     mass point there: wage earners hardly bunch (Saez 2010);
//   - where it falls, earnings z*(P) jump over a gap (z_lo, z_hi) around
//     the kink as P passes the potential P* at which the two local optima
//     are equally good. A target in the gap cannot be anyone's best
//     response; such a worker gets P just below or above P*, whichever
//     edge is nearer its target, and earns that edge (Misses). With the
//     2024 system at e = 0.5 the gaps are about $18,134–19,040 and
//     $164,930–172,250.
//
// Workers are in ascending order of u_i and of their potential (not of
// their wage, as hours change at quintile boundaries), so their incomes
// come out in agent order.
func Calibrate(ctx context.Context, n int, r *rand.Rand, t EarningsTarget, hours HoursProfile, u Utility, s tax.Schedule, hmax float64) (Calibrated, error) {
	if u.Kind != Quasilinear {
		return Calibrated{}, fmt.Errorf("calibrating to earnings needs quasilinear utility (no income effects), not %v", u.Kind)
	}
	u.Init()
	resp := NewResponse(u, s, hmax)
	c := Calibrated{Skill: make([]float64, n), Potential: make([]float64, n), Kappa: make([]float64, n)}
	e := u.Elasticity
	var err error
	for i := range n {
		q := (float64(i) + r.Float64()) / float64(n)
		z, h := t.Quantile(q), hours.Hours(q)
		if h > hmax {
			return Calibrated{}, fmt.Errorf("target hours %v above hours_max %v", h, hmax)
		}
		w := z / h
		a := resp.a[s.Bracket(z)]
		if a <= 0 {
			return Calibrated{}, fmt.Errorf("no worker chooses earnings %.2f: the baseline's marginal rate there is 1 or more", z)
		}
		p := z / a
		if got := calibratedIncome(resp, p); math.Abs(got-z) > 1e-9*z {
			if p, err = gapEdge(resp, z, p); err != nil {
				return Calibrated{}, field.Errorf("Elasticity", "at elasticity %v no best response to the baseline taxes comes near worker %d's target of $%.2f a year (%v); the calibration inverts it", e, i, z, err)
			}
			c.Misses++
		}
		if i > 0 {
			// Potentials never fall with the target (a gap's bisections
			// differ in their last bits), so incomes stay in agent order.
			p = max(p, c.Potential[i-1])
		}
		c.Skill[i], c.Potential[i] = w, p
		k := u.Kappa * math.Pow(u.Potential(w)/p, 1/e) // κ_i from P = w^(1+e)·(κ/κ_i)^e
		if d := k * math.Pow(h, 1+1/e); !(k > 0 && d > 0) || math.IsInf(d, 0) {
			return Calibrated{}, field.Errorf("Elasticity", "at elasticity %v the disutility of worker %d's target hours (%v a year) is %v, beyond float64's range; raise the elasticity", e, i, h, d)
		}
		c.Kappa[i] = k
		if i%4096 == 4095 {
			if err := ctx.Err(); err != nil {
				return Calibrated{}, err
			}
		}
	}
	return c, nil
}

// calibratedIncome is the quasi-linear best response's income at potential
// p without an hours cap: it depends on p alone (the wage only turns income
// into hours), so any worker of that potential stands for all: a wage of 1
// and κ_i = κ·(1/p)^(1/e), or, where that worker's disutility p^(1+1/e)
// would leave float64's range (a small elasticity), the wage p^(1/(1+e))
// with κ_i = κ.
func calibratedIncome(resp *Response, p float64) float64 {
	u := resp.Utility()
	hmax := resp.hmax
	resp.hmax = math.Inf(1)
	e := u.Elasticity
	w, kappa := 1.0, u.Kappa*math.Pow(1/p, 1/e)
	if math.Abs(math.Log(p))*(1+1/e) > maxLogScale {
		w, kappa = math.Pow(p, 1/(1+e)), u.Kappa
	}
	_, z := resp.ChoiceK(w, p, kappa, 0, 0)
	resp.hmax = hmax
	return z
}

// maxLogScale bounds the logarithm of the factors a calibration multiplies
// (e^500 ≈ 1e217), leaving float64 room for the utility's other terms.
const maxLogScale = 500

// gapEdge returns the potential of a worker whose target z lies in a gap of
// the best response's income: the generalised inverse P* = inf{P: z*(P) ≥ z},
// found by bisection (z* rises with P), nudged by a relative 1e-9 to the
// side whose income, the gap's edge, is nearer z.
func gapEdge(resp *Response, z, p float64) (float64, error) {
	lo, hi := p/2, p*2
	for i := 0; calibratedIncome(resp, lo) >= z; i++ {
		if lo /= 2; i == maxBracketSteps || !(lo > 0) {
			return 0, fmt.Errorf("no potential below %.6g earns less than $%.2f", p, z)
		}
	}
	for i := 0; calibratedIncome(resp, hi) < z; i++ {
		if hi *= 2; i == maxBracketSteps || math.IsInf(hi, 0) {
			return 0, fmt.Errorf("no potential above %.6g earns $%.2f", p, z)
		}
	}
	for range 100 {
		mid := 0.5 * (lo + hi)
		if mid <= lo || mid >= hi {
			break
		}
		if calibratedIncome(resp, mid) >= z {
			hi = mid
		} else {
			lo = mid
		}
	}
	below, above := lo*(1-1e-9), hi*(1+1e-9)
	if z-calibratedIncome(resp, below) <= calibratedIncome(resp, above)-z {
		return below, nil
	}
	return above, nil
}

// maxBracketSteps bounds the halvings or doublings that bracket a root: 64
// reach 2^±64 times the start, past any potential the inversion meets.
const maxBracketSteps = 64
