// Package scenario turns a scenario TOML file into a validated, fully
// resolved configuration and builds the engine's parts from it.
//
// Loading goes: fill the defaults, decode the file over them (unknown keys
// are errors), apply --set overrides (typed by the key's Go type), resolve
// presets and kind-dependent defaults (resolve.go), then validate
// (validate.go): what only the file knows here, the values through the
// model packages' own Validate methods, whose field errors (package field)
// are mapped to keys (fields.go). Every error names the file, the line where
// the key is written (when it is written there), and the dotted key; all
// problems are reported together, one per key.
//
// The resolved scenario, encoded by Encode, states every value the run used
// (bracket presets become explicit cutoffs, a GB2 preset its parameters), so
// it reruns as is.
//
// Units: a round is one year; skills are wages in currency units per hour
// (dollars by default), hours are hours per round, incomes and cutoffs are
// currency units per round. A scenario may use other units consistently
// (e.g. thousands of dollars with us_federal_2018_scaled).
package scenario
