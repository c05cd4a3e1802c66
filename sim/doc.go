// Package sim is the econsim engine: a synchronous, deterministic round loop
// over a population of workers facing a tax schedule chosen by a planner.
//
// For round t = 0 … R−1, Step does:
//
//  1. If t is a multiple of the tax period, ask the planner for this period's
//     schedule (Planner.Propose) and prepare the workers' best response to it.
//  2. Every worker chooses hours in [0, hours_max] given the schedule, its
//     wage and the transfer it expects (last round's; none in round 0).
//     LLM workers are asked first, once per archetype (Config.LLMWorkers);
//     everyone else is computed in parallel over fixed chunks of ChunkSize
//     agents.
//  3. The market turns hours into pre-tax income z_i = ω·skill_i·hours_i.
//     In the production economy the clearing wage ω is found first (a few
//     passes of step 2 at trial wages) and each worker's share of profits
//     is added; under a fixed wage ω = 1.
//  4. Taxes are collected and the revenue redistributed (lump sum, none, or to
//     the bottom share of earners); c_i = z_i − Tax(z_i) + transfer_i.
//  5. Utilities, welfare and equilibrium statistics go into RoundStats.
//  6. The planner observes the round (Planner.Observe); Run hands the stats
//     to the Recorder, which never changes state.
//
// Where each step lives: Engine.Step (step.go) runs the round — step 1
// (the planner), the LLM workers' decisions (decide), then computeRound
// (round.go), whose compute is steps 2–5 in named parts: clear (step 3's
// market clearing, production.go), choicePass (choice.go: steps 2–4 fused
// in one chunked pass: choices, incomes, taxes), redistribute (step 4's
// transfers) and welfarePass (welfarepass.go: steps 4–5 fused: consumption,
// utility and every sum a metric needs), and fillStats (fillstats.go: step
// 5, with RoundStats' derived metrics in one place, derive). Step 6 is back
// in Step. The extra columns are tables in columns.go; the chunks, the
// parallel loop and the sort buffers are workspace's (workspace.go). The
// planners' model (model.go) runs the same compute on scratch memory.
// History (history.go) keeps what a run's summary reports.
//
// Determinism: every random stream comes from rng.Stream(seed, name, index) —
// noisy workers' errors from the same mixes into a SplitMix64 generator
// (noiseSource), whose block of normal draws is faster — and chunk
// boundaries depend on ChunkSize only. Each chunk writes its partial
// sums into its own slot and the slots are combined in chunk order, so the
// results are byte-identical for any number of workers and any GOMAXPROCS.
// The engine reads no clock, does no I/O itself, and its goroutines all exit
// before Step returns. The I/O of LLM workers and planners happens in the
// llm client they hold, under Step's context.
//
// With a tax system (Config.System), step 1 also compiles the planner's
// bracket rates with the system's other parts (the standard deduction,
// payroll taxes, the EITC) into the schedule of gross earnings workers face
// (and, where workers have ages, the schedule of those the credit does not
// reach); the planner's rates are what rounds.csv reports, and the parts
// are summed from per-bracket tallies of the choice pass.
//
// Speed: the population is stored in ascending order of potential income
// (skill, unless workers have their own κ). When incomes
// (or consumption) come out in that same order, as they do for rational
// workers, the Gini is finished from a rank-weighted sum computed in the same
// pass as every other metric: two linear passes per round in all. Otherwise
// (noisy, adaptive or LLM workers) the engine radix-sorts a scratch copy
// (radix.SortedCopy): exact, linear, and costing one more buffer of N
// and, of a second, only a bucket-sized scratch per goroutine; the rank
// sums come from one more parallel read of the sorted copy, consumption's
// too when take-home pay is the same function of income for everyone (it
// is linear in each bracket, so each bracket's run of sorted incomes gives
// its part in closed form).
//
// Households that save (Config.Households; package household, and
// households.go here)
// replace steps 2–5 with their own round, after the planner proposes:
//  1. Before round 0 only: the stationary equilibrium of the first policy
//     (household.SolveStationary: the households' policy by EGM and their
//     distribution by Young's histogram in agents, r by market.SolveCapital),
//     and every household's state and wealth drawn from it.
//  2. Prices from the start of the round: K = Σ a_i, L = Σ l(s_i); r and w
//     are the marginal products; the labour tax's revenue, known from the
//     states, is the transfer.
//  3. Households expect these prices to persist and solve their policy for
//     them (warm from last round's); each household, in parallel chunks,
//     consumes and saves from its cash on hand, and draws its next state
//     from rng.SplitMix64 of (seed, stream, round, household) — no stream per
//     household, so the draws do not depend on chunking.
//  4. Statistics: the contract's metrics plus the household columns, with
//     three radix sorts (wealth at the start of the round, income,
//     consumption), since none of them is in any stored order.
package sim
