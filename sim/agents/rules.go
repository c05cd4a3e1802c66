package agents

import "math"

// Rule is how a saver turns its state — productivity state s, wealth a at
// the start of the round and cash on hand m (Budget.Cash) — into
// consumption c and the wealth it carries out, next, with
// (1 + τ_c)·c + next = m and next ≥ the borrowing limit.
type Rule interface {
	Decide(s int, a, m float64) (c, next float64)
}

var (
	_ Rule = (*Policy)(nil)
	_ Rule = (*FixedRate)(nil)
	_ Rule = (*BufferStock)(nil)
)

// Decide implements Rule: the optimal policy depends on cash on hand only.
func (p *Policy) Decide(s int, _, m float64) (float64, float64) { return p.Choose(s, m) }

// The heuristic savers (agents.saving), rules of thumb against which the
// optimal saver can be compared:
//
//	fixed_rate:   consume the share 1 − σ of gross income — cash on hand
//	              less wealth, plus depreciation δ·a (income before
//	              capital's wear): (1 + τ_c)·c = (1 − σ)·(m − a + δ·a). In
//	              the aggregate this is Solow's K' = (1 − δ)·K + σ·Y, so the
//	              economy's saving rate δK/Y settles at σ.
//	buffer_stock: move wealth a share φ of the way to a target of Θ years
//	              of one's current labour income, a* = Θ·w·l(s):
//	              next = a + φ·(a* − a) (Carroll's buffer-stock saver with
//	              the target as a rule rather than the solution).
//
// Both are clamped to what the budget allows: next ∈ [limit, m], c ≥ 0.

// FixedRate is the fixed_rate rule.
type FixedRate struct {
	Share        float64 // σ ∈ [0, 1)
	Depreciation float64 // δ
	Limit        float64 // the lowest wealth allowed, −b
	CTax         float64 // τ_c
}

// Decide implements Rule.
func (f *FixedRate) Decide(_ int, a, m float64) (float64, float64) {
	spend := (1 - f.Share) * (m - a + f.Depreciation*a)
	return clampRule(m, m-spend, f.Limit, f.CTax)
}

// BufferStock is the buffer_stock rule.
type BufferStock struct {
	Target float64   // Θ ≥ 0, years of labour income
	Speed  float64   // φ ∈ (0, 1]
	Labor  []float64 // w·l(s) per state
	Limit  float64
	CTax   float64
}

// Decide implements Rule.
func (bs *BufferStock) Decide(s int, a, m float64) (float64, float64) {
	next := a + bs.Speed*(bs.Target*bs.Labor[s]-a)
	return clampRule(m, next, bs.Limit, bs.CTax)
}

// clampRule keeps next in [limit, m] and returns the consumption it leaves.
func clampRule(m, next, limit, ctax float64) (float64, float64) {
	next = math.Min(math.Max(next, limit), math.Max(m, limit))
	return max(m-next, 0) / (1 + ctax), next
}
