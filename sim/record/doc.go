// Package record writes and reads the files of a run: rounds.csv (one row
// per round, one column per metric), agents.csv (a sample of the final
// workers) and summary.json (the type Summary, read back everywhere through
// ReadSummary). Package run writes scenario.toml with WriteFile.
//
// Every file is written under a temporary name in its folder, synced and
// renamed, so a reader never sees half a file. summary.json is written last:
// its presence means the run completed. Begin takes a run folder (locking
// it, clearing what killed runs left) and refuses to overwrite a completed
// run unless asked to; then the new run is written beside the old one and
// swapped in by Commit.
package record
