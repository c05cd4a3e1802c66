// Package pareto computes the Pareto front of tax schedules: for two or more
// objectives (metrics, each the way it is better, metric.Sign; a leading
// "-" minimises and "+" maximises), the schedules of
// the scenario's brackets that no other schedule beats on every objective.
// Every candidate is evaluated through the workers' response model
// (planner.Model): their equilibrium responses, not one noisy round.
//
// Exact mode: first each objective alone is maximised (the anchors), which
// gives the ideal and nadir points used to normalise the objectives; then a
// set of Tchebycheff scalarisations — maximise −max_j λ_j·(ideal_j − f_j)/range_j
// over a lattice of weights λ — each solved with the search planner's
// optimiser. The Tchebycheff form reaches non-convex parts of a front,
// which weighted sums miss. The front is the non-dominated subset of every
// schedule evaluated on the way.
//
// Amortised mode (after MAP, amortised Pareto fronts from quadratic
// surrogates): a Latin-hypercube design of true evaluations; a quadratic
// surrogate of each objective in the rates, fitted by least squares; the same
// anchors and scalarisations solved on the surrogates (free); the surrogate
// front's schedules verified with true evaluations; the surrogates refitted
// with those — weighted towards the points near the front found so far — and
// the front recomputed, for up to Rounds rounds or until the surrogate's
// error at the verified points is below 0.5% of each objective's range. The
// front is the non-dominated subset of the true evaluations.
//
// Duplicates: points with identical objective values are reported once
// (the first evaluated).
package pareto
