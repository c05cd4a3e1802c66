package record

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strconv"
)

// TransitionFile holds a foreseen reform's transition path.
const TransitionFile = "transition.csv"

// Reform is summary.json's `reform`: who gains from a reform households
// foresaw, in consumption equivalents g (the uniform change of consumption
// in every round of the status quo that leaves a household as well off as
// the reform, its transition counted), exact on the distribution at the
// announcement.
type Reform struct {
	// Households is whose gains these are: "simulated" (the households the
	// run simulates), or "optimal savers" for LLM savers, who are told the
	// path optimal savers would make and whose own values are unknown.
	Households     string  `json:"households"`
	AnnounceRound  int     `json:"announce_round"`
	SwitchRound    int     `json:"switch_round"`
	Horizon        int     `json:"horizon"`          // rounds the path was solved over
	HorizonGap     float64 `json:"horizon_gap"`      // |K at the horizon − K after| / K after
	NewtonSteps    int     `json:"newton_steps"`     // the path's solve
	MeanCEV        Float   `json:"mean_cev"`         // the distribution's mean of g
	UtilitarianCEV Float   `json:"utilitarian_cev"`  // the one g for everyone that equates mean values
	ShareGaining   Float   `json:"share_gaining"`    // mass with g > 0
	SteadyStateCEV Float   `json:"steady_state_cev"` // the utilitarian g between the two stationary equilibria
	// CEVByWealthQuintile is the mean g by quintile of wealth at the
	// announcement, poorest first.
	CEVByWealthQuintile []Float `json:"cev_by_wealth_quintile"`
	CEVByState          []Float `json:"cev_by_state"` // the mean g by productivity state, lowest first
	// After is the stationary equilibrium after the reform.
	After *Equilibrium `json:"after"`
}

// ReformPrefix begins the names of a reform's metrics where a sweep merges
// them with the rounds' (Reform.Metrics).
const ReformPrefix = "reform_"

// Metrics returns the reform's statistics as metrics a sweep merges and
// compares across seeds: reform_mean_cev, reform_utilitarian_cev,
// reform_share_gaining, reform_steady_state_cev and
// reform_cev_wealth_q1 … q5.
func (r *Reform) Metrics() map[string]float64 {
	m := map[string]float64{
		ReformPrefix + "mean_cev": float64(r.MeanCEV), ReformPrefix + "utilitarian_cev": float64(r.UtilitarianCEV),
		ReformPrefix + "share_gaining": float64(r.ShareGaining), ReformPrefix + "steady_state_cev": float64(r.SteadyStateCEV),
	}
	for i, x := range r.CEVByWealthQuintile {
		m[fmt.Sprintf("%scev_wealth_q%d", ReformPrefix, i+1)] = float64(x)
	}
	return m
}

// Transition is the columns of transition.csv, one row per round of the
// path from the announcement, per household.
type Transition struct {
	Round                                                   []int
	Rate, Wage, Capital, Labor, Output, Transfer            []float64
	LaborTax, CapitalTax, WealthTax, ConsumptionTax, Excess []float64
}

// WriteTransition writes dir/transition.csv.
func WriteTransition(dir string, t *Transition) error {
	var b bytes.Buffer
	b.WriteString("round,interest_rate,wage,capital,labor,output,transfer,labor_tax_revenue,capital_tax_revenue,wealth_tax_revenue,consumption_tax_revenue,excess_supply\n")
	for i, r := range t.Round {
		b.WriteString(strconv.Itoa(r))
		for _, col := range [][]float64{t.Rate, t.Wage, t.Capital, t.Labor, t.Output, t.Transfer, t.LaborTax, t.CapitalTax, t.WealthTax, t.ConsumptionTax, t.Excess} {
			b.WriteByte(',')
			b.WriteString(strconv.FormatFloat(col[i], 'g', -1, 64))
		}
		b.WriteByte('\n')
	}
	return WriteFile(filepath.Join(dir, TransitionFile), b.Bytes())
}

// GainsFile holds who gains from a foreseen reform, at every point of the
// distribution at its announcement.
const GainsFile = "gains.csv"

// Gains is gains.csv's columns, one row per (state, grid point): the
// wealth, its percentile in the distribution at the announcement (the
// mass below it plus half its own), the point's mass and its g.
type Gains struct {
	State                         []int
	Wealth, Percentile, Mass, CEV []float64
}

// WriteGains writes dir/gains.csv.
func WriteGains(dir string, g *Gains) error {
	var b bytes.Buffer
	b.WriteString("state,wealth,wealth_percentile,mass,cev\n")
	for i, s := range g.State {
		b.WriteString(strconv.Itoa(s))
		for _, col := range [][]float64{g.Wealth, g.Percentile, g.Mass, g.CEV} {
			b.WriteByte(',')
			b.WriteString(strconv.FormatFloat(col[i], 'g', -1, 64))
		}
		b.WriteByte('\n')
	}
	return WriteFile(filepath.Join(dir, GainsFile), b.Bytes())
}
