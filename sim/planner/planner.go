// Package planner holds the tax planners: the leader of the Stackelberg game
// who, every tax period, proposes the marginal rates of the scenario's
// brackets from what it has observed.
//
// The engine calls Propose at the start of every tax period and Observe after
// every round. Planners keep whatever history they need; they never see the
// engine itself, only the small interfaces declared here. This file holds the
// shared shape and the fixed planners:
//
//	none:       every rate 0 (the free market)
//	flat:       one rate for every bracket
//	fixed:      one given rate per bracket
//	us_federal: the statutory rates .10 .12 .22 .24 .32 .35 .37 on a
//	            seven-bracket US preset
//
// and the optimising ones, each in its own file: saez (the Saez 2001 formula
// on the observed incomes), search (a Stackelberg optimiser over the
// workers' response model), learn (model-free SPSA on the observed
// objective) and vote (workers vote among candidate schedules).
package planner

import (
	"context"
	"fmt"
	"slices"

	"github.com/econsim/econsim/sim/tax"
)

// Request is what the engine tells a planner when a tax period starts.
type Request struct {
	Round   int          // the round the schedule takes effect
	Cutoffs []float64    // the scenario's bracket cutoffs (fixed for the run)
	Bounds  tax.Bounds   // allowed range of every marginal rate
	Current tax.Schedule // the schedule in force (zero value before round 0)
	Model   Model        // the workers' response model; valid during Propose only
	Voters  Voters       // LLM voters, when workers are LLM-backed (else nil)
	// System is the tax system the rates are part of (nil: the rates apply
	// to gross earnings): Cutoffs are then its brackets on taxable income,
	// and workers face the rates compiled with its other parts.
	System *tax.USSingle
}

// Voters are workers who vote by asking a language model. Ballots returns
// each candidate's score under rule ("plurality": votes; "borda": points, as
// in Vote), counting every worker; fallback(i) ranks the candidates for
// worker i (best first) when no usable reply comes.
type Voters interface {
	Ballots(ctx context.Context, candidates []tax.Schedule, rule string, fallback func(i int) []int) ([]float64, error)
}

// Model answers a planner's "what would workers do under this schedule?".
// The engine satisfies it by computing a round, on scratch memory, in which
// every worker plays its best response to s (the expected response of noisy
// workers and the steady state of adaptive ones) with the transfers that
// response pays for (a fixed point under income effects).
type Model interface {
	// Evaluate returns the statistics of that round and every worker's
	// utility in it, by agent id. Both are valid until the next call. A
	// model whose evaluation ctx stopped returns NaN metrics, which
	// optimisers pass over; they stop on ctx themselves.
	Evaluate(ctx context.Context, s tax.Schedule) (Metrics, []float64)
}

// Gapper is implemented by planners that know the Stackelberg gap: the
// objective at their best response to the workers' model minus the objective
// observed this round.
type Gapper interface {
	Gap() (float64, bool)
}

// Reporter is implemented by planners that add columns to rounds.csv.
type Reporter interface {
	Columns() []string              // fixed for the run
	Report(dst []float64) []float64 // this round's values, appended to dst
}

// Foreseen is implemented by planners that may set every schedule in
// advance (Fixed): ok when they do, with change the one round from which
// the schedule changes (0: never). Households that foresee prices need one.
type Foreseen interface {
	Foreseen() (change int, ok bool)
}

// Metrics gives a round's statistics by metric name (the contract names,
// and the objective names with "welfare_" dropped).
type Metrics interface {
	Metric(name string) (float64, bool)
}

// Observation is one round as the planner sees it.
type Observation struct {
	Round    int
	Schedule tax.Schedule
	Stats    Metrics
	Income   []float64 // pre-tax incomes, read-only and valid only during Observe
}

// Planner proposes schedules and learns from rounds.
type Planner interface {
	// Propose returns the schedule for the tax period starting at req.Round.
	Propose(ctx context.Context, req Request) (tax.Schedule, error)
	// Observe receives every round after it is computed.
	Observe(obs Observation)
}

var _ Planner = (*Fixed)(nil)

// Fixed proposes the same rates every period — or, with SwitchRound > 0,
// Rates before that round and After from it on, so that a reform and the
// transition after it can be studied; it learns nothing.
type Fixed struct {
	Rates       []float64 // one per bracket; a single rate is applied to every bracket
	SwitchRound int       // the first round of After; 0: never
	After       []float64 // like Rates
}

// None is the free market: every rate 0.
func None() *Fixed { return &Fixed{Rates: []float64{0}} }

// Flat applies one rate to every bracket.
func Flat(rate float64) *Fixed { return &Fixed{Rates: []float64{rate}} }

// USFederal is the statutory US federal rates; the scenario must use a
// seven-bracket US preset.
func USFederal() *Fixed { return &Fixed{Rates: tax.USFederalRates()} }

// Propose implements Planner.
func (f *Fixed) Propose(_ context.Context, req Request) (tax.Schedule, error) {
	rates := f.Rates
	if f.SwitchRound > 0 && req.Round >= f.SwitchRound {
		rates = f.After
	}
	if len(rates) == 1 && len(req.Cutoffs) > 1 {
		rates = slices.Repeat(rates, len(req.Cutoffs))
	}
	if len(rates) != len(req.Cutoffs) {
		return tax.Schedule{}, fmt.Errorf("planner has %d rates for %d brackets", len(rates), len(req.Cutoffs))
	}
	return tax.New(req.Cutoffs, rates, req.Bounds)
}

// Foreseen implements Foreseen: every schedule is set in advance.
func (f *Fixed) Foreseen() (int, bool) { return f.SwitchRound, true }

// Observe implements Planner; a fixed planner ignores observations.
func (f *Fixed) Observe(Observation) {}
