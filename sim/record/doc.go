// Package record writes a run's outputs: scenario.toml (the resolved
// scenario), rounds.csv (one row per round, one column per metric) and
// summary.json (the last round, the mean over the last tax period, the
// schedule and the speed).
//
// Every file is written under a temporary name in its folder, synced and
// renamed, so a reader never sees half a file. summary.json is written last:
// its presence means the run completed, and Prepare refuses to overwrite a
// completed run unless asked to.
package record
