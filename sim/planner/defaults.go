package planner

// The defaults of the planners' knobs, in one place. A planner whose knob
// is zero uses the default here (as gonum's optimisers do); the scenario
// package fills the same values in, so `sim validate --print` shows what a
// run uses.
const (
	DefaultBudget        = 400  // Search and WithGap: model evaluations per tax period
	DefaultStep          = 0.2  // Learn: the SPSA gain a
	DefaultPerturbation  = 0.05 // Learn: the SPSA perturbation c
	DefaultSpread        = 0.05 // Vote: how far a perturbed status quo moves each rate
	DefaultPerturbations = 2    // Vote: perturbed status-quo candidates (0 is a valid choice, so the scenario fills it)
	DefaultPrior         = 0.5  // Saez: the starting elasticity when estimating
	DefaultSmoothing     = 0.5  // Saez: β of the elasticity update
	DefaultExplore       = 0.05 // Saez: the exploration step on the rates
)
