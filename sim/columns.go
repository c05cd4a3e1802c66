package sim

import (
	"github.com/econsim/econsim/sim/household"
	"github.com/econsim/econsim/sim/llm"
)

// column is one of the columns after the rates: its name and where its
// value comes from in a T. Each table of columns is the one home of their
// names, order and values.
type column[T any] struct {
	name  string
	value func(*T) float64
}

// columnNames returns the tables' names in order.
func columnNames[T any](cols []column[T]) []string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	return names
}

// appendColumns appends the columns' values in v to dst.
func appendColumns[T any](dst []float64, cols []column[T], v *T) []float64 {
	for _, c := range cols {
		dst = append(dst, c.value(v))
	}
	return dst
}

// houseValues are a round's household columns, or a stationary
// equilibrium's.
type houseValues struct {
	rate, saving, consumption, wealth float64 // r, δK/Y, mean consumption, mean wealth
	gini, top1, top10                 float64 // of wealth
	constrained                       float64 // share at the borrowing limit
	revenue                           household.Revenue
}

// houseColumns are the per-round columns of an economy of savers, after the
// rates (see the metric table in docs/metrics.md).
var houseColumns = []column[houseValues]{
	{"interest_rate", func(v *houseValues) float64 { return v.rate }},
	{"saving_rate", func(v *houseValues) float64 { return v.saving }},
	{"consumption_mean", func(v *houseValues) float64 { return v.consumption }},
	{"wealth_mean", func(v *houseValues) float64 { return v.wealth }},
	{"wealth_gini", func(v *houseValues) float64 { return v.gini }},
	{"wealth_top1_share", func(v *houseValues) float64 { return v.top1 }},
	{"wealth_top10_share", func(v *houseValues) float64 { return v.top10 }},
	{"constrained_share", func(v *houseValues) float64 { return v.constrained }},
	{"capital_tax_revenue", func(v *houseValues) float64 { return v.revenue.Capital }},
	{"wealth_tax_revenue", func(v *houseValues) float64 { return v.revenue.Wealth }},
	{"consumption_tax_revenue", func(v *houseValues) float64 { return v.revenue.Consumption }},
}

// householdColumns are houseColumns' names.
var householdColumns = columnNames(houseColumns)

// systemColumns are the per-round parts of a tax system, per-worker means
// (income_tax + payroll_tax − eitc = revenue), present with a system.
var systemColumns = []column[RoundStats]{
	{"income_tax", func(s *RoundStats) float64 { return s.Revenue - s.payroll + s.credit }},
	{"payroll_tax", func(s *RoundStats) float64 { return s.payroll }},
	{"eitc", func(s *RoundStats) float64 { return s.credit }},
}

// llmColumns are a round's LLM usage, present when an LLM is used.
var llmColumns = []column[llm.Usage]{
	{"llm_calls", func(u *llm.Usage) float64 { return float64(u.Calls) }},
	{"llm_tokens_in", func(u *llm.Usage) float64 { return float64(u.TokensIn) }},
	{"llm_tokens_out", func(u *llm.Usage) float64 { return float64(u.TokensOut) }},
	{"llm_cost", func(u *llm.Usage) float64 { return u.Cost }},
	{"llm_fallbacks", func(u *llm.Usage) float64 { return float64(u.Fallbacks) }},
}
