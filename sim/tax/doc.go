// Package tax holds piecewise-linear income-tax schedules: the cutoffs and
// marginal rates a planner chooses, the tax they levy, and the bracket presets
// of the US federal income tax.
//
// A schedule with cutoffs b_0 = 0 < b_1 < … < b_{K−1} and marginal rates
// τ_0 … τ_{K−1} levies
//
//	Tax(z) = Σ_k τ_k · clamp(z − b_k, 0, b_{k+1} − b_k),   b_K = +∞,
//
// and Tax(z) = 0 for z ≤ 0. Incomes and cutoffs are in the scenario's currency
// units per round (dollars per year by default); the package itself is
// unit-free.
package tax
