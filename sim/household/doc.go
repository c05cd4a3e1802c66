// Package household is the economy of households that save (Aiyagari
// 1994), as pure code that knows no engine: their configuration
// (Config), the taxes beside the labour schedule and the planner's
// instrument (Taxes, TaxPolicy; the formulas themselves are
// agents.AssetTaxes'), the budget a policy and prices make (NewBudget), and
// the stationary equilibrium (SolveStationary): the interest rate at which
// the capital households hold in their stationary distribution is the
// capital the firm demands, with the transfer equal to the revenue it
// brings when revenue is returned lump-sum.
//
// The households' decision rules (EGM, rules of thumb, LLM savers) and
// their distribution on the grid are package agents'; the engine's round of
// sampled households is package sim's.
package household
