package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/econsim/econsim/sim/sweep"
)

const sweepUsage = `Usage: sim sweep FILE.toml [--out DIR] [--workers N] [--shard K/N] [--shard-count N] [--quiet]

Runs every run of a sweep file (variants × grid × replicates), in parallel,
into DIR/runs/<id>/, with the run list in DIR/sweep.json. Runs already
complete are skipped, so the same command resumes a stopped sweep; if the
base scenario or the sweep file changed since, the sweep refuses (saying
what changed) rather than mix old and new runs. A second process on the same
folder and shard is refused. A failed run's error is printed and recorded in
runs/<id>/error.txt, and the others go on; the exit status is then 1.
Runs write scenario.toml, rounds.csv and summary.json; agents.csv too with
agents_csv = true in the sweep file.

Sharding: --shard K/N runs the runs whose index ≡ K (mod N). Without it, a
Slurm array task takes K = SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN and
N = SLURM_ARRAY_TASK_COUNT; a Kubernetes Indexed Job takes
K = JOB_COMPLETION_INDEX and N from --shard-count or SHARD_COUNT.
Join shards with 'sim merge'.
`

func sweepCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("sweep", sweepUsage)
	out := fs.String("out", "", "sweep `folder` (default: the sweep file's output, or results/sweeps/NAME)")
	workers := fs.Int("workers", runtime.NumCPU(), "runs in parallel")
	shard := fs.String("shard", "", "run shard `K/N` only")
	shardCount := fs.Int("shard-count", 0, "number of shards when JOB_COMPLETION_INDEX gives K")
	quiet := fs.Bool("quiet", false, "no progress on stderr")
	pos, help, err := parseInterleaved(fs, args, stdout)
	if help || err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("sweep takes one sweep file, got %d arguments (see 'sim sweep --help')", len(pos))
	}
	if *workers < 1 {
		return usagef("--workers must be at least 1, got %d", *workers)
	}
	k, n, err := shardOf(*shard, *shardCount, getenv)
	if err != nil {
		return err
	}
	limit, _, err := memoryLimit(getenv)
	if err != nil {
		return err
	}
	s, err := sweep.Load(pos[0], limit)
	var se *sweep.Error
	if errors.As(err, &se) {
		return &usageError{se.Error()}
	} else if err != nil {
		return err
	}
	dir := *out
	if dir == "" {
		dir = s.Output
	}
	mine := len(s.Mine(k, n))
	if !*quiet {
		fmt.Fprintf(stderr, "%s: %d of %d runs (shard %d/%d) on %d workers → %s\n", s.Name, mine, len(s.Runs), k, n, *workers, dir)
	}
	prog := newSweepProgress(stderr, mine, *quiet)
	rep, err := s.Execute(ctx, dir, sweep.Options{Workers: *workers, Shard: k, Shards: n, Getenv: getenv, Version: Version, Progress: prog.update})
	prog.finish()
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted with %d runs complete; run the same command to resume", rep.Done+rep.Skipped)
		}
		return err
	}
	fmt.Fprintf(stdout, "%s: %d runs done, %d already complete, %d failed → %s\n", s.Name, rep.Done, rep.Skipped, rep.Failed, dir)
	if rep.Failed > 0 {
		// The causes themselves: error.txt may not have been written (a full
		// disk), so its name alone is not enough.
		slices.SortFunc(rep.Errors, func(a, b sweep.RunError) int { return strings.Compare(a.ID, b.ID) })
		var lines []string
		for i, e := range rep.Errors {
			if i == 5 {
				lines = append(lines, fmt.Sprintf("… and %d more", len(rep.Errors)-5))
				break
			}
			lines = append(lines, e.ID+": "+e.Err.Error())
		}
		return fmt.Errorf("%d of %d runs failed (each run's error is also in %s/runs/<id>/error.txt where it could be written):\n  %s",
			rep.Failed, mine, dir, strings.Join(lines, "\n  "))
	}
	return nil
}

// shardOf works out this task's shard from --shard, or the scheduler's
// environment.
func shardOf(flagVal string, count int, env func(string) string) (int, int, error) {
	if flagVal != "" {
		a, b, ok := strings.Cut(flagVal, "/")
		k, err1 := strconv.Atoi(a)
		n, err2 := strconv.Atoi(b)
		if !ok || err1 != nil || err2 != nil || n < 1 || k < 0 || k >= n {
			return 0, 0, usagef("--shard wants K/N with 0 ≤ K < N, got %q", flagVal)
		}
		return k, n, nil
	}
	atoi := func(name string) (int, bool, error) {
		v := env(name)
		if v == "" {
			return 0, false, nil
		}
		x, err := strconv.Atoi(v)
		if err != nil {
			return 0, false, usagef("%s=%q is not an integer", name, v)
		}
		return x, true, nil
	}
	if id, ok, err := atoi("SLURM_ARRAY_TASK_ID"); err != nil {
		return 0, 0, err
	} else if ok {
		n, okN, err := atoi("SLURM_ARRAY_TASK_COUNT")
		if err != nil || !okN {
			return 0, 0, usagef("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not")
		}
		lo, _, err := atoi("SLURM_ARRAY_TASK_MIN")
		if err != nil {
			return 0, 0, err
		}
		if k := id - lo; n >= 1 && k >= 0 && k < n {
			return k, n, nil
		}
		return 0, 0, usagef("Slurm array task %d is outside %d tasks from %d; use --array=0-%d or --shard", id, n, lo, n-1)
	}
	if idx, ok, err := atoi("JOB_COMPLETION_INDEX"); err != nil {
		return 0, 0, err
	} else if ok {
		n := count
		if n == 0 {
			c, okC, err := atoi("SHARD_COUNT")
			if err != nil || !okC {
				return 0, 0, usagef("JOB_COMPLETION_INDEX is set: give the number of shards with --shard-count or SHARD_COUNT")
			}
			n = c
		}
		if n < 1 || idx < 0 || idx >= n {
			return 0, 0, usagef("JOB_COMPLETION_INDEX %d is outside %d shards", idx, n)
		}
		return idx, n, nil
	}
	return 0, 1, nil
}

// sweepProgress is a bar on a terminal, plain lines every few seconds
// otherwise (logs, CI), and nothing with --quiet.
type sweepProgress struct {
	w     io.Writer
	total int
	quiet bool
	bar   *progressbar.ProgressBar
	start time.Time
	last  time.Time
}

func newSweepProgress(w io.Writer, total int, quiet bool) *sweepProgress {
	p := &sweepProgress{w: w, total: total, quiet: quiet, start: time.Now(), last: time.Now()}
	if f, ok := w.(*os.File); ok && !quiet {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription("runs"),
				progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish())
		}
	}
	return p
}

func (p *sweepProgress) update(s sweep.Progress) {
	if p.quiet {
		return
	}
	n := s.Done + s.Skipped + s.Failed
	if p.bar != nil {
		p.bar.Set(n)
		return
	}
	if now := time.Now(); now.Sub(p.last) >= 2*time.Second || n == p.total {
		p.last = now
		eta := ""
		if s.Done > 0 && n < p.total {
			per := now.Sub(p.start) / time.Duration(s.Done)
			eta = fmt.Sprintf(", about %v left", (per * time.Duration(p.total-n)).Round(time.Second))
		}
		fmt.Fprintf(p.w, "  %d/%d runs (%d done, %d skipped, %d failed)%s\n", n, p.total, s.Done, s.Skipped, s.Failed, eta)
	}
}

func (p *sweepProgress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
