// Package agents holds the worker population and how workers decide.
//
// The population is a struct of arrays indexed by agent id (skill, hours,
// income, consumption, utility), stored in ascending order of potential
// income: of skill, unless each worker has its own disutility scale κ_i.
// That order costs nothing to keep, and because a rational worker's income
// never falls with its potential (single crossing of the utilities below),
// it lets the engine compute the Gini of incomes in one linear pass instead
// of a sort.
//
// The calibrated US population (Calibrate, earnings.go; skill dist
// us_earnings_2024) is drawn from target earnings and hours instead: each
// worker's wage and κ_i are inferred so that its quasi-linear best response
// to the 2024 taxes is its target (Saez 2001), and it is stored in the order
// of its target (Population.Kappa holds κ_i).
//
// Units: a round is one year unless the scenario says otherwise; skill is a
// wage in currency units per hour (dollars by default); hours are hours per
// round; income and consumption are currency units per round.
//
// Utility of consumption c and hours l, with labour-supply elasticity e and
// disutility scale κ (Saez 2001; Zheng et al. 2022):
//
//	quasilinear: u = c − κ·l^(1+1/e)/(1+1/e)
//	isoelastic:  u = (c^(1−η) − 1)/(1−η) − κ·l^(1+1/e)/(1+1/e)   (ln c when η = 1)
//
// Consumption below ConsumptionFloor is raised to it inside the isoelastic
// utility, so that zero consumption has a finite (very low) utility.
//
// Behaviours choose hours from the exact best response (see Response):
//
//	rational: the best response itself;
//	noisy:    the best response times exp(σ·ε − σ²/2), ε ~ N(0, 1), clamped
//	          to [0, hours_max] — a mean-preserving multiplicative error of
//	          log-scale σ (agents.noise, default 0.1);
//	adaptive: partial adjustment l_t = l_{t−1} + α·(BR_t − l_{t−1})
//	          (agents.adjustment α, default 0.5).
//
// Before round 0 every worker works its best response to a zero tax with no
// transfer: the status quo from which adaptive workers adjust and against
// which round 0's labor_change is measured.
//
// Households that save (the engine's Households) hold wealth and a
// productivity state besides: Productivity and Chain (markov.go) are the
// Markov chain of labour productivity (Tauchen, Rouwenhorst or explicit);
// Saver (saver.go), Budget with its AssetTaxes (budget.go) and Policy
// (policy.go) the CRRA household's problem, solved by the endogenous grid
// method (Saver.Solve, egm.go); Labor (labor.go) its hours when
// they are elastic; Histogram (stationary.go) the stationary distribution by
// Young's method; FixedRate and BufferStock (rules.go) the rules of thumb
// and LLMSavers (llmsavers.go) the language-model savers, all Rules.
package agents
