package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/econsim/econsim/sim"
	"github.com/econsim/econsim/sim/pareto"
	"github.com/econsim/econsim/sim/report"
	simrun "github.com/econsim/econsim/sim/run"
	"github.com/econsim/econsim/sim/scenario"
	"github.com/econsim/econsim/sim/tax"
)

const paretoUsage = `Usage: sim pareto FILE.toml [--objectives a,b,...] [--mode exact|amortised|both] [--out DIR] [--force] [--set key=value]...

Computes the Pareto front of the scenario's bracket rates for two or more
objectives (metric names, maximised; a leading "-" minimises), every
candidate evaluated through the workers' response model. Writes front.csv
(objective values, rates and every metric of each front point), front.json
(the fronts, true evaluation counts, the surrogate's error, and the free
market, US federal and Saez schedules as references) and front.png/svg.
--mode both computes the exact and the amortised front and writes the
amortised one to front.csv.
`

func paretoCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("pareto", paretoUsage)
	var sets setFlags
	fs.Var(&sets, "set", "override a scenario key, `key=value` (repeatable)")
	objectives := fs.String("objectives", "equality,productivity", "comma-separated `metrics` to maximise (-name to minimise)")
	mode := fs.String("mode", "amortised", "exact, amortised or both")
	out := fs.String("out", "", "output `folder` (default: results/NAME/pareto)")
	points := fs.Int("points", 21, "scalarisations (weight vectors)")
	budget := fs.Int("budget", 200, "model evaluations per scalarisation in exact mode")
	force := fs.Bool("force", false, "overwrite a folder that holds a front (front.json exists)")
	pos, help, err := parseInterleaved(fs, args, stdout)
	if help || err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("pareto takes one scenario file (see 'sim pareto --help')")
	}
	if *mode != "exact" && *mode != "amortised" && *mode != "both" {
		return usagef("--mode must be exact, amortised or both, got %q", *mode)
	}
	if *points < 1 || *budget < 1 {
		return usagef("--points and --budget must be at least 1")
	}
	objs, err := pareto.ParseObjectives(*objectives)
	if err != nil {
		return usagef("--objectives: %v", err)
	}
	s, err := scenario.Load(pos[0], sets)
	if err != nil {
		return err
	}
	eng, _, err := simrun.Engine(ctx, s, simrun.Options{Workers: numCPU(), Getenv: getenv})
	if err != nil {
		return err
	}
	dir := *out
	if dir == "" {
		dir = filepath.Join("results", s.Name, "pareto")
	}
	if _, err := os.Stat(filepath.Join(dir, "front.json")); err == nil && !*force {
		return usagef("%s holds a front (front.json exists); pass --force to overwrite it or choose another --out", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	o, err := paretoFronts(ctx, eng, s, objs, *mode, pareto.Options{Points: *points, Budget: *budget, Seed: s.Seed}, stdout)
	if err != nil {
		return err
	}
	if err := o.Write(dir); err != nil {
		return err
	}
	if _, err := report.Front(dir, o); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s/{front.csv, front.json, front.png, front.svg}\n", filepath.ToSlash(dir))
	return nil
}

// paretoFronts computes the fronts mode asks for (exact, amortised or both)
// through eng's workers' model, and the reference schedules.
func paretoFronts(ctx context.Context, eng *sim.Engine, s *scenario.Scenario, objs []pareto.Objective, mode string, opts pareto.Options, stdout io.Writer) (*pareto.Output, error) {
	bounds := tax.Bounds{Min: s.Tax.RateMin, Max: s.Tax.RateMax}
	o := &pareto.Output{Name: s.Name, Cutoffs: s.Tax.Cutoffs}
	for _, ob := range objs {
		o.Objectives = append(o.Objectives, ob.String())
	}
	newEv := func() *pareto.Evaluator {
		return &pareto.Evaluator{Model: eng.Model(), Cutoffs: s.Tax.Cutoffs, Bounds: bounds, Objs: objs}
	}
	if mode == "exact" || mode == "both" {
		r, err := pareto.Exact(ctx, newEv(), opts)
		if err != nil {
			return nil, err
		}
		o.Results = append(o.Results, r)
		fmt.Fprintf(stdout, "exact: %d front points from %d true evaluations\n", len(r.Front), r.Evaluations)
	}
	if mode == "amortised" || mode == "both" {
		r, err := pareto.Amortised(ctx, newEv(), opts)
		if err != nil {
			return nil, err
		}
		o.Results = append(o.Results, r)
		fmt.Fprintf(stdout, "amortised: %d front points from %d true evaluations (surrogate error %.2f%% of each objective's range)\n",
			len(r.Front), r.Evaluations, 100*r.SurrogateError)
	}
	refs, err := pareto.References(ctx, eng, s.Tax.Cutoffs, bounds, objs, s.Utility.Elasticity)
	o.References = refs
	return o, err
}
