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
//
// Besides: HSV (hsv.go), the smooth labour tax y − λ·y^(1−τ) of households
// that save; and USSingle (us2024.go), the 2024 federal taxes on a single
// filer's wage — income tax after the standard deduction, payroll taxes and
// the EITC — compiled to one Schedule of gross earnings.
package tax
