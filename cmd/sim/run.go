package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/econsim/econsim/sim"
	"github.com/econsim/econsim/sim/llm"
	"github.com/econsim/econsim/sim/record"
	"github.com/econsim/econsim/sim/report"
	simrun "github.com/econsim/econsim/sim/run"
	"github.com/econsim/econsim/sim/scenario"
)

const runUsage = `Usage: sim run FILE.toml [--set key=value]... [--out DIR] [--workers N] [--json] [--quiet] [--force] [--report] [--max-cost X]

Runs a scenario and writes, under its output folder (output.dir, or --out):
  scenario.toml  the resolved scenario (defaults filled), rerunnable as is
  rounds.csv     one row per round, one column per metric
  agents.csv     the last round of up to 10,000 workers at evenly spaced
                 ranks of skill
  summary.json   the last round, the mean over the last tax period, the
                 final schedule and the speed; written last, so its presence
                 means the run completed
With --set, the folder is the scenario's own followed by "+" and the
overrides, so runs with different overrides do not collide.
A folder that holds a completed run is not overwritten without --force
(with it, the old run stays until the new one is complete). A run that would
not fit in memory is refused before it starts, with the estimate and the
limit (the machine's, or SIM_MEMORY_LIMIT such as 8G). Results never depend
on --workers.
`

type runFlags struct {
	sets    setFlags
	out     string
	workers int
	json    bool
	quiet   bool
	force   bool
	maxCost float64
	report  bool
}

func runCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var f runFlags
	fs := newFlagSet("run", runUsage)
	fs.Var(&f.sets, "set", "override a scenario key, `key=value` (repeatable), e.g. --set population.agents=5000")
	fs.StringVar(&f.out, "out", "", "output `folder` (default: the scenario's output.dir)")
	fs.IntVar(&f.workers, "workers", runtime.GOMAXPROCS(0), "goroutines for agent updates; never changes results")
	fs.BoolVar(&f.json, "json", false, "print summary.json to stdout and nothing else there")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress on stderr")
	fs.BoolVar(&f.force, "force", false, "replace a completed run (the old one stays until the new one is complete)")
	fs.BoolVar(&f.report, "report", false, "also draw the plots and report.html (as 'sim report')")
	fs.Float64Var(&f.maxCost, "max-cost", 0, "stop before the LLM cost would pass this `amount` (overrides llm.max_cost)")
	pos, help, err := parseInterleaved(fs, args, stdout)
	if help || err != nil {
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
	s, err := loadScenario(pos[0], f.sets, getenv, stderr)
	if err != nil {
		return err
	}
	return runScenario(ctx, pos[0], s, f, getenv, stdout, stderr)
}

// loadScenario loads a scenario file with its overrides, refuses one that
// cannot fit in memory, and prints its notes on stderr.
func loadScenario(file string, sets []string, getenv func(string) string, stderr io.Writer) (*scenario.Scenario, error) {
	s, err := scenario.Load(file, sets)
	if err != nil {
		return nil, err
	}
	if err := checkMemory(file, s, getenv); err != nil {
		return nil, err
	}
	for _, n := range s.Notes() {
		fmt.Fprintln(stderr, "note: "+n)
	}
	return s, nil
}

func runScenario(ctx context.Context, file string, s *scenario.Scenario, f runFlags, getenv func(string) string, stdout, stderr io.Writer) error {
	dir := f.out
	if dir == "" {
		dir = s.OutputDir()
	}
	if !f.quiet {
		fmt.Fprintf(stderr, "%s: %d agents × %d rounds on %d workers → %s\n", s.Name, s.Population.Agents, s.Rounds, f.workers, dir)
	}
	prog := &progress{total: s.Rounds, quiet: f.quiet, w: stderr, last: time.Now()}
	sum, err := simrun.Scenario(ctx, s, dir, simrun.Options{
		Workers: f.workers, Force: f.force, Getenv: getenv, MaxCost: f.maxCost, Source: file, Version: Version,
		Observe: prog.observe, Waiting: prog.waiting,
	})
	if errors.Is(err, record.ErrCompleted) || errors.Is(err, simrun.ErrMaxCostWithoutLLM) {
		return &usageError{err.Error()}
	} else if err != nil {
		return err
	}
	if f.report {
		files, err := report.Draw(dir)
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		if !f.quiet {
			fmt.Fprintf(stderr, "%s: wrote %s\n", s.Name, files[0])
		}
	}
	if sum.StopReason != "" && !f.quiet {
		fmt.Fprintf(stderr, "%s: stopped after %d of %d rounds: %s\n", s.Name, sum.RoundsDone, s.Rounds, sum.StopReason)
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

// progress prints a line to stderr at most once a second, and at the end;
// while a round waits on LLM requests, a line every few seconds says how
// many are in flight and the last error.
type progress struct {
	total int
	quiet bool
	w     io.Writer

	mu    sync.Mutex // observe and waiting run on different goroutines
	last  time.Time
	round int // rounds completed
}

// waitNote is how long LLM requests go unanswered before a progress line
// says so.
const waitNote = 3 * time.Second

func (p *progress) waiting(st llm.Status) {
	if p.quiet || st.InFlight == 0 || st.Quiet < waitNote {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if now := time.Now(); now.Sub(p.last) >= waitNote {
		p.last = now
		msg := fmt.Sprintf("  round %d/%d: %d LLM requests in flight, no answer for %s", p.round+1, p.total, st.InFlight, st.Quiet.Round(time.Second))
		if st.LastError != "" {
			msg += "; last error: " + st.LastError
		}
		fmt.Fprintln(p.w, msg)
	}
}

func (p *progress) observe(s *sim.RoundStats) {
	if p.quiet {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.round = s.Round + 1
	if now := time.Now(); now.Sub(p.last) >= time.Second || s.Round+1 == p.total {
		p.last = now
		fmt.Fprintf(p.w, "  round %d/%d  productivity %s  equality %.4f  welfare %s\n",
			s.Round+1, p.total, report.Number(s.Productivity), s.Equality, report.Number(s.WelfareUtilitarian))
	}
}
