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
// A reform households foresee from its announcement is a perfect-foresight
// transition between two stationary equilibria (SolveTransition): the
// capital and transfer paths that clear every round, found by Newton's
// method on the households' sequence-space Jacobian (the fake-news
// algorithm of Auclert, Bardóczy, Rognlie and Straub 2021). Path.Gains
// values it against the status quo, household by household, in
// consumption equivalents.
//
// The households' decision rules (EGM, rules of thumb, LLM savers) and
// their distribution on the grid are package agents'; the engine's round of
// sampled households is package sim's.
package household
