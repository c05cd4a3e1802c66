// Package sweep runs many scenarios: it expands a sweep file into its runs
// (variants × grid × replicates), schedules them in parallel (each through
// package run), resumes a stopped sweep, optionally runs one shard of them,
// and joins the results (Merge; package compare gives their statistics).
//
// A sweep file names a base scenario (relative to the sweep file), a [grid]
// of dotted keys → lists of values, optional [[variant]] tables (a name and a
// set of overrides), and replicates. The run list is expanded in a fixed
// order — variants in file order, then grid points with the keys sorted and
// the last key varying fastest, then replicates — and each run gets:
//
//	id:   <variant>-<8 hex digits of a hash of its overrides>-r<replicate>,
//	      the same in every expansion of the same file;
//	seed: a SplitMix64 mix of the base scenario's seed and the replicate
//	      index, so replicate r has the same seed in every variant and grid
//	      point (paired comparisons).
//
// A sweep's folder holds sweep.json (the run list, written first) and
// runs/<id>/ for each run: the run's scenario.toml, rounds.csv and
// summary.json as for `sim run` (agents.csv only when the sweep file sets
// agents_csv), or error.txt when it failed. sweep.json records, per run, a
// hash of its resolved scenario apart from the seed (scenario.ConfigHash).
// A run whose summary.json exists and whose scenario.toml has that hash and
// seed is complete and is skipped when the sweep is run again, so a killed
// sweep resumes where it stopped; if the base scenario or the sweep file
// changed, the sweep refuses rather than mix old runs with new (and Merge
// checks the same). Every file is written atomically, so a kill leaves
// nothing half-written; one process per folder and shard holds its lock.
//
// Shard K of N takes the runs whose index ≡ K (mod N).
package sweep
