package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/econsim/econsim/sim"
	"github.com/econsim/econsim/sim/record"
	"github.com/econsim/econsim/sim/scenario"
)

const runUsage = `Usage: sim run FILE.toml [--set key=value]... [--out DIR] [--workers N] [--json] [--quiet] [--force]

Runs a scenario and writes, under its output folder (output.dir, or --out):
  scenario.toml  the resolved scenario (defaults filled), rerunnable as is
  rounds.csv     one row per round, one column per metric
  summary.json   the last round, the mean over the last tax period, the
                 final schedule and the speed; written last, so its presence
                 means the run completed
A folder that holds a completed run is not overwritten without --force.
Results never depend on --workers.
`

type runFlags struct {
	sets    setFlags
	out     string
	workers int
	json    bool
	quiet   bool
	force   bool
	maxCost float64
}

// getenv reads the environment; the LLM key is read through it.
var getenv = os.Getenv

func runCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var f runFlags
	fs := newFlagSet("run", runUsage)
	fs.Var(&f.sets, "set", "override a scenario key, `key=value` (repeatable), e.g. --set population.agents=5000")
	fs.StringVar(&f.out, "out", "", "output `folder` (default: the scenario's output.dir)")
	fs.IntVar(&f.workers, "workers", runtime.GOMAXPROCS(0), "goroutines for agent updates; never changes results")
	fs.BoolVar(&f.json, "json", false, "print summary.json to stdout and nothing else there")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress on stderr")
	fs.BoolVar(&f.force, "force", false, "overwrite a folder that holds a completed run")
	fs.Float64Var(&f.maxCost, "max-cost", 0, "stop before the LLM cost would pass this `amount` (overrides llm.max_cost)")
	pos, err := parseInterleaved(fs, args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("run takes one scenario file, got %d arguments (see 'sim run --help')", len(pos))
	}
	if f.workers < 1 {
		return usagef("--workers must be at least 1, got %d", f.workers)
	}
	if f.maxCost < 0 {
		return usagef("--max-cost must be ≥ 0, got %v", f.maxCost)
	}
	s, err := scenario.Load(pos[0], f.sets)
	if err != nil {
		return err
	}
	return runScenario(ctx, pos[0], s, f, stdout, stderr)
}

func runScenario(ctx context.Context, file string, s *scenario.Scenario, f runFlags, stdout, stderr io.Writer) error {
	dir := f.out
	if dir == "" {
		dir = s.OutputDir()
	}
	cfg, pl, err := s.Build(f.workers, getenv)
	if err != nil {
		return err
	}
	if f.maxCost > 0 {
		if cfg.LLM == nil {
			return usagef("--max-cost applies only to scenarios that use an LLM")
		}
		cfg.MaxCost = f.maxCost
	}
	logf := func(format string, args ...any) {
		if !f.quiet {
			fmt.Fprintf(stderr, format, args...)
		}
	}
	logf("%s: %d agents × %d rounds on %d workers → %s\n", s.Name, s.Population.Agents, s.Rounds, f.workers, dir)
	eng, err := sim.New(cfg, pl)
	if err != nil {
		return err
	}
	if err := record.Prepare(dir, f.force); errors.Is(err, record.ErrCompleted) {
		return &usageError{err.Error()}
	} else if err != nil {
		return err
	}
	resolved, err := s.Encode()
	if err != nil {
		return err
	}
	header := fmt.Sprintf("# Resolved from %s by sim %s: every default filled, rerunnable as is.\n\n", filepath.ToSlash(file), Version)
	if err := record.WriteFile(filepath.Join(dir, "scenario.toml"), append([]byte(header), resolved...)); err != nil {
		return err
	}
	rounds, err := record.NewRounds(dir, s.Rounds, s.Tax.Period, eng.Columns())
	if err != nil {
		return err
	}
	prog := &progress{Rounds: rounds, total: s.Rounds, quiet: f.quiet, w: stderr, last: time.Now()}
	start := time.Now()
	runErr := eng.Run(ctx, prog)
	wall := time.Since(start).Seconds()
	if err := rounds.Close(); err != nil {
		return errors.Join(runErr, err)
	}
	stopReason := ""
	if errors.Is(runErr, sim.ErrBudget) { // a clean, intended stop
		stopReason = runErr.Error()
		logf("%s: stopped after %d of %d rounds: %s\n", s.Name, rounds.Rows(), s.Rounds, stopReason)
		runErr = nil
	}
	if runErr != nil {
		return fmt.Errorf("stopped after %d of %d rounds: %w (rounds.csv in %s holds the completed rounds; no summary.json was written)", rounds.Rows(), s.Rounds, runErr, dir)
	}
	sched := eng.Schedule()
	sum := &record.Summary{
		Name: s.Name, Seed: s.Seed, Agents: s.Population.Agents, Rounds: s.Rounds, Version: Version,
		Final: rounds.Final(), MeanLastPeriod: rounds.MeanLastPeriod(),
		RoundsDone: rounds.Rows(), StopReason: stopReason,
		Schedule:       record.Schedule{Cutoffs: sched.Cutoffs(), Rates: sched.Rates()},
		ConvergedRound: rounds.ConvergedRound(),
		Perf:           record.Perf{WallSeconds: wall, AgentRoundsPerSec: float64(s.Population.Agents) * float64(rounds.Rows()) / max(wall, 1e-9), Workers: f.workers},
	}
	if cfg.LLM != nil {
		u := cfg.LLM.Usage()
		sum.LLM = &record.LLM{Calls: u.Calls, CacheHits: u.CacheHits, Requests: u.Requests, Retries: u.Retries,
			TokensIn: u.TokensIn, TokensOut: u.TokensOut, Cost: u.Cost, SpentCost: u.SpentCost, Fallbacks: u.Fallbacks}
	}
	if err := record.WriteSummary(dir, sum); err != nil {
		return err
	}
	if f.json {
		b, err := sum.Marshal()
		if err != nil {
			return err
		}
		_, err = stdout.Write(b)
		return err
	}
	printSummary(stdout, s, sum, dir)
	return nil
}

// progress passes rounds to the CSV recorder and prints a line to stderr at
// most once a second, and at the end.
type progress struct {
	*record.Rounds
	total int
	quiet bool
	w     io.Writer
	last  time.Time
}

func (p *progress) Record(s *sim.RoundStats) error {
	if err := p.Rounds.Record(s); err != nil {
		return err
	}
	if p.quiet {
		return nil
	}
	if now := time.Now(); now.Sub(p.last) >= time.Second || s.Round+1 == p.total {
		p.last = now
		fmt.Fprintf(p.w, "  round %d/%d  productivity %s  equality %.4f  welfare %s\n",
			s.Round+1, p.total, human(s.Productivity), s.Equality, human(s.WelfareUtilitarian))
	}
	return nil
}

// summaryMetrics are the rows of the human summary, in order.
var summaryMetrics = []string{
	"productivity", "equality", "eq_x_prod", "gini_pre", "gini_post",
	"welfare_utilitarian", "welfare_inv_income", "welfare_rawls",
	"revenue", "avg_tax_rate", "labor_mean", "br_regret_max",
}

func printSummary(w io.Writer, s *scenario.Scenario, sum *record.Summary, dir string) {
	fmt.Fprintf(w, "%s — %d agents, %d rounds, seed %d, planner %s, %s workers\n",
		s.Name, s.Population.Agents, s.Rounds, s.Seed, s.Planner.Kind, s.Agents.Behavior)
	var parts []string
	for k, c := range sum.Schedule.Cutoffs {
		pct := math.Round(1e4*sum.Schedule.Rates[k]) / 100 // percent to two decimals
		parts = append(parts, fmt.Sprintf("%s+ %s%%", human(c), strconv.FormatFloat(pct, 'f', -1, 64)))
	}
	fmt.Fprintf(w, "schedule: %s\n\n", strings.Join(parts, " · "))
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	fmt.Fprintln(tw, "metric\tfinal\tmean over last tax period\t")
	for _, m := range summaryMetrics {
		fmt.Fprintf(tw, "%s\t%s\t%s\t\n", m, human(float64(sum.Final[m])), human(float64(sum.MeanLastPeriod[m])))
	}
	tw.Flush()
	fmt.Fprintf(w, "\nspeed: %s agent-rounds/s (%.3f s on %d workers)\n", human(sum.Perf.AgentRoundsPerSec), sum.Perf.WallSeconds, sum.Perf.Workers)
	if l := sum.LLM; l != nil {
		fmt.Fprintf(w, "llm: %d calls (%d from the cache), %d requests, %d retries, %d fallbacks, %s tokens in, %s out, cost %.4f (spent %.4f)\n",
			l.Calls, l.CacheHits, l.Requests, l.Retries, l.Fallbacks, human(float64(l.TokensIn)), human(float64(l.TokensOut)), l.Cost, l.SpentCost)
	}
	if sum.StopReason != "" {
		fmt.Fprintf(w, "stopped after %d of %d rounds: %s\n", sum.RoundsDone, sum.Rounds, sum.StopReason)
	}
	fmt.Fprintf(w, "wrote %s/{scenario.toml, rounds.csv, summary.json}\n", filepath.ToSlash(dir))
}

// human formats x for people: thousands separators from 10,000 up, four
// significant digits below.
func human(x float64) string {
	if a := abs(x); a < 10000 || a >= 1e15 {
		return strconv.FormatFloat(x, 'g', 4, 64)
	}
	s := strconv.FormatFloat(x, 'f', 0, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
