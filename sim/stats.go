package sim

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/econsim/econsim/sim/planner"
)

var _ planner.Metrics = (*RoundStats)(nil)

// RoundStats is one round's statistics: the metrics of the design's contract
// (per-capita means unless noted; money in currency units per round).
type RoundStats struct {
	Round              int
	Productivity       float64   // Σ z_i / N
	GiniPre            float64   // population Gini of pre-tax income z
	GiniPost           float64   // population Gini of consumption c
	Equality           float64   // 1 − gini_post·N/(N−1)
	EqXProd            float64   // equality × productivity
	WelfareUtilitarian float64   // mean u_i
	WelfareInvIncome   float64   // Σ ω_i u_i, ω_i ∝ 1/max(z_i, 1)
	WelfareRawls       float64   // min u_i
	Atkinson1          float64   // Atkinson index (ε = 1) of c
	Theil              float64   // Theil T index of c
	Revenue            float64   // Σ Tax(z_i) / N
	Transfer           float64   // mean transfer received
	AvgTaxRate         float64   // Σ Tax(z_i) / Σ z_i (0 when Σ z = 0)
	LaborMean          float64   // mean hours
	BRRegretMean       float64   // mean of u(best response) − u(choice)
	BRRegretMax        float64   // max of the same: the ε of an ε-Nash equilibrium
	LaborChange        float64   // mean |l_t − l_{t−1}|
	Wage               float64   // wage index ω (1 under a fixed wage)
	MarketResidual     float64   // clearing residual (S − L_d)/L_d (0 under a fixed wage)
	MarketIterations   float64   // passes over the population the clearing used (0 under a fixed wage)
	Output             float64   // output per worker Y/N (mean labour income under a fixed wage)
	CapitalIncome      float64   // profits per worker αY/N paid to owners (0 under a fixed wage)
	Capital            float64   // capital in use this round per worker or household, K/N (0 under a fixed wage)
	Objective          float64   // the planner's objective metric this round
	StackelbergGap     float64   // planner's predicted optimum − objective; NaN when not computed
	Rates              []float64 // marginal rates in force, rate_0 … rate_{K−1}
	Extra              []float64 // columns after the rates: the households', the tax system's, llm_*, then the planner's (planner.Reporter); names in Engine.Columns

	payroll, credit float64 // a tax system's payroll tax and credit per worker (its columns)

	regretUndefined bool     // br_regret_* are NaN by design (savers following a rule of thumb)
	extraNames      []string // the names of Extra's columns, for Metric
}

// metricNames is the contract's column order (before the rates).
var metricNames = []string{
	"productivity", "gini_pre", "gini_post", "equality", "eq_x_prod",
	"welfare_utilitarian", "welfare_inv_income", "welfare_rawls",
	"atkinson_1", "theil", "revenue", "transfer", "avg_tax_rate",
	"labor_mean", "br_regret_mean", "br_regret_max", "labor_change",
	"wage", "market_residual", "market_iterations", "output", "capital_income", "capital",
	"objective", "stackelberg_gap",
}

// MetricNames returns the metric names in column order for a schedule with
// k brackets: the contract's metrics, then rate_0 … rate_{k−1}.
func MetricNames(k int) []string {
	names := append([]string(nil), metricNames...)
	for i := range k {
		names = append(names, fmt.Sprintf("rate_%d", i))
	}
	return names
}

// nonFinite returns the first contract metric or rate that is NaN or
// infinite (stackelberg_gap may be NaN: not computed; so may br_regret_* for
// savers following a rule of thumb), if any.
func (s *RoundStats) nonFinite() (string, float64, bool) {
	v := s.Values()
	names := MetricNames(len(s.Rates))
	for i, name := range names {
		x := v[i]
		allowed := name == "stackelberg_gap" || (s.regretUndefined && strings.HasPrefix(name, "br_regret_"))
		if math.IsInf(x, 0) || (math.IsNaN(x) && !allowed) {
			return name, x, true
		}
	}
	return "", 0, false
}

// Values returns the metrics in MetricNames order.
func (s *RoundStats) Values() []float64 {
	v := []float64{
		s.Productivity, s.GiniPre, s.GiniPost, s.Equality, s.EqXProd,
		s.WelfareUtilitarian, s.WelfareInvIncome, s.WelfareRawls,
		s.Atkinson1, s.Theil, s.Revenue, s.Transfer, s.AvgTaxRate,
		s.LaborMean, s.BRRegretMean, s.BRRegretMax, s.LaborChange,
		s.Wage, s.MarketResidual, s.MarketIterations, s.Output, s.CapitalIncome, s.Capital,
		s.Objective, s.StackelbergGap,
	}
	v = append(v, s.Rates...)
	return append(v, s.Extra...)
}

// Metric returns the named metric. It accepts the contract's names and the
// planner objective names, which drop the "welfare_" prefix (utilitarian,
// inv_income, rawls).
func (s *RoundStats) Metric(name string) (float64, bool) {
	if !strings.HasPrefix(name, "welfare_") {
		switch name {
		case "utilitarian", "inv_income", "rawls":
			name = "welfare_" + name
		}
	}
	for i, n := range MetricNames(len(s.Rates)) {
		if n == name {
			return s.Values()[i], true
		}
	}
	for i, n := range s.extraNames { // households' columns, llm_*, the planner's
		if n == name && i < len(s.Extra) {
			return s.Extra[i], true
		}
	}
	return 0, false
}

// IsObjective reports whether name is a metric a planner can maximise: a
// contract metric, or a column of households that save (HouseholdColumns;
// only savers have them).
func IsObjective(name string) bool {
	if strings.HasPrefix(name, "rate_") || name == "objective" || name == "stackelberg_gap" {
		return false
	}
	var s RoundStats
	_, ok := s.Metric(name)
	return ok || slices.Contains(householdColumns, name) || IsReformObjective(name)
}

// reformObjectives are the objectives that count a policy's transition:
// who gains, in consumption equivalents, from moving to it from the status
// quo (see houseModel.gains).
var reformObjectives = []string{"cev_utilitarian", "cev_mean", "share_gaining"}

// IsReformObjective reports whether name is an objective that counts the
// transition.
func IsReformObjective(name string) bool { return slices.Contains(reformObjectives, name) }

// HouseholdColumns returns the per-round columns of households that save.
func HouseholdColumns() []string { return slices.Clone(householdColumns) }
