package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/econsim/econsim/sim/calibrate"
)

const calibrateUsage = `Usage: sim calibrate FILE.toml [--out DIR] [--budget N] [--force]

Estimates scenario keys so that the model's metrics meet their targets.
FILE names the scenario, the keys to estimate with their bounds, and the
targets (docs/calibration.md):

  scenario = "us-earnings.toml"
  budget   = 60
  estimate = [ { key = "utility.discount", min = 0.90, max = 0.99 } ]
  target   = [ { metric = "equilibrium.capital_output", value = 3.0, source = "…" } ]

It minimises Σ weight·(metric/value − 1)² by Nelder–Mead within the bounds,
each evaluation a run of the scenario with the keys set (only its
stationary equilibrium when every target is one of its metrics, warm from
the last). Progress goes to stderr. The folder gets evaluations.csv (every
evaluation as it is made: a calibration stopped half-way resumes from it),
then calibration.json (targets against the model, the estimates) and
calibrated.toml (the scenario at the estimates, resolved).
`

func calibrateCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("calibrate", calibrateUsage)
	out := fs.String("out", "", "output `folder` (default: results/NAME/calibration, NAME the calibration file's)")
	budget := fs.Int("budget", 0, "evaluations at most (overrides the file's budget; default 100)")
	force := fs.Bool("force", false, "start over in a folder that holds a calibration")
	pos, help, err := parseInterleaved(fs, args, stdout)
	if help || err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("calibrate takes one calibration file (see 'sim calibrate --help')")
	}
	if *budget < 0 || *budget > 100_000 {
		return usagef("--budget must be between 1 and 100000, got %d", *budget)
	}
	c, err := calibrate.Load(pos[0])
	if err != nil {
		return err
	}
	if *budget > 0 {
		c.File.Budget = *budget
	}
	dir := *out
	if dir == "" {
		name := strings.TrimSuffix(filepath.Base(pos[0]), filepath.Ext(pos[0]))
		dir = filepath.Join("results", name, "calibration")
	}
	res, err := c.Run(ctx, dir, calibrate.Options{Workers: numCPU(), Getenv: getenv, Progress: stderr, Force: *force})
	if err != nil {
		return err
	}
	printCalibration(stdout, c.Summarise(res))
	fmt.Fprintf(stdout, "wrote %s/{evaluations.csv, calibration.json, calibrated.toml}\n", dir)
	return nil
}

// printCalibration prints the targets against the model and the estimates.
func printCalibration(w io.Writer, s *calibrate.Summary) {
	fmt.Fprintf(w, "calibration of %s: objective %.4g after %d evaluations (%d read back), %.1f s\n\n", s.Scenario, s.Objective, s.Evaluations, s.Replayed, s.Seconds)
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	fmt.Fprintln(tw, "target\tvalue\tmodel\tgap\tsource\t")
	for _, t := range s.Targets {
		note := ""
		switch {
		case t.Unmoved:
			note = "  no estimated key moves it"
		case !t.Reached:
			note = fmt.Sprintf("  not reached (more than %.0f%% off)", 100*calibrate.ReachedTolerance)
		}
		fmt.Fprintf(tw, "%s\t%.6g\t%.6g\t%+.2f%%\t%s%s\t\n", t.Metric, t.Target, t.Model, 100*t.Relative, t.Source, note)
	}
	fmt.Fprintln(tw, "\t\t\t\t\t")
	fmt.Fprintln(tw, "estimate\tvalue\tmin\tmax\t\t")
	for _, e := range s.Estimates {
		note := ""
		if e.AtBound {
			note = "at a bound: the best point may lie outside them"
		}
		fmt.Fprintf(tw, "%s\t%.6g\t%.6g\t%.6g\t%s\t\n", e.Key, e.Value, e.Min, e.Max, note)
	}
	tw.Flush()
}
