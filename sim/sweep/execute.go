package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/econsim/econsim/sim/record"
	"github.com/econsim/econsim/sim/run"
	"github.com/econsim/econsim/sim/scenario"
)

// ManifestFile is the run list a sweep folder holds.
const ManifestFile = "sweep.json"

// Options are how a sweep is executed.
type Options struct {
	Workers int                 // runs in parallel, ≥ 1
	Shard   int                 // this shard, 0 ≤ Shard < Shards
	Shards  int                 // number of shards; ≤ 1 means all runs
	Getenv  func(string) string // reads the LLM key
	Version string
	// Progress is called after each run finishes (or is skipped), from one
	// goroutine at a time.
	Progress func(p Progress)
}

// Progress counts a sweep's runs so far.
type Progress struct {
	Total, Skipped, Done, Failed int
	Last                         string // id of the run that just finished
}

// RunError is a failed run.
type RunError struct {
	ID  string
	Err error
}

// Report is what a sweep did.
type Report struct {
	Progress
	Errors []RunError
}

// Mine returns the runs of shard k of n (index ≡ k mod n).
func (s *Sweep) Mine(k, n int) []Run {
	if n <= 1 {
		return s.Runs
	}
	var out []Run
	for _, r := range s.Runs {
		if r.Index%n == k {
			out = append(out, r)
		}
	}
	return out
}

// RunDir is the folder of one run.
func RunDir(sweepDir, id string) string { return filepath.Join(sweepDir, "runs", id) }

// Execute runs this shard's runs that are not complete, at most o.Workers
// at a time, into dir. A failed run writes runs/<id>/error.txt and does not
// stop the others; Execute then returns a report listing the failures and a
// nil error. It returns an error for what stops the whole sweep: a folder
// holding a different sweep, or a cancelled context (the runs in flight
// finish or stop; completed runs are kept).
func (s *Sweep) Execute(ctx context.Context, dir string, o Options) (Report, error) {
	if err := s.writeManifest(dir); err != nil {
		return Report{}, err
	}
	// One process per shard of a folder: a second one is refused at once,
	// naming the first. (Shards of one sweep run side by side; each run's
	// folder is locked too, so overlapping shardings never share a run.)
	lockName := ".lock"
	if o.Shards > 1 {
		lockName = fmt.Sprintf(".lock-shard-%d-of-%d", o.Shard, o.Shards)
	}
	lock, err := record.TryLock(filepath.Join(dir, lockName))
	if err != nil {
		return Report{}, err
	}
	defer lock.Unlock()
	runs := s.Mine(o.Shard, o.Shards)
	rep := Report{Progress: Progress{Total: len(runs)}}
	var mu sync.Mutex
	note := func(id string, skipped bool, err error) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case skipped:
			rep.Skipped++
		case err != nil:
			rep.Failed++
			rep.Errors = append(rep.Errors, RunError{id, err})
		default:
			rep.Done++
		}
		rep.Last = id
		if o.Progress != nil {
			o.Progress(rep.Progress)
		}
	}
	var todo []Run
	var stale []string
	for _, r := range runs {
		rd := RunDir(dir, r.ID)
		if _, err := os.Stat(filepath.Join(rd, record.SummaryFile)); err != nil {
			todo = append(todo, r)
			continue
		}
		if err := s.checkDone(rd, r); err != nil {
			stale = append(stale, err.Error())
			continue
		}
		note(r.ID, true, nil)
	}
	if len(stale) > 0 {
		return rep, staleError(dir, len(stale), stale)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(o.Workers, 1))
	for _, r := range todo {
		rd := RunDir(dir, r.ID)
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			err := s.runOne(gctx, r, rd, o)
			if err != nil && gctx.Err() != nil {
				return gctx.Err() // cancelled: not the run's fault
			}
			note(r.ID, false, err)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return rep, err
	}
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	return rep, nil
}

func (s *Sweep) runOne(ctx context.Context, r Run, rd string, o Options) error {
	errFile := filepath.Join(rd, "error.txt")
	err := func() error {
		sc, err := s.Scenario(r)
		if err != nil {
			return err
		}
		_, err = run.Scenario(ctx, sc, rd, run.Options{Workers: 1, Getenv: o.Getenv, Source: s.File, Version: o.Version, SkipAgents: !s.agentsCSV})
		return err
	}()
	if err != nil {
		if ctx.Err() == nil {
			if werr := record.WriteFile(errFile, []byte(err.Error()+"\n")); werr != nil {
				return errors.Join(err, werr)
			}
		}
		return err
	}
	if rerr := os.Remove(errFile); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
		return rerr
	}
	return nil
}

// checkDone reports whether the completed run in rd was made from the
// scenario the sweep would run now; if not, the error says what changed.
func (s *Sweep) checkDone(rd string, run Run) error {
	p := filepath.Join(rd, "scenario.toml")
	old, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("run %s: not run yet", run.ID)
	} else if err != nil {
		return fmt.Errorf("run %s: %w", run.ID, err)
	}
	if err := CheckRun(p, old, run); err == nil {
		return nil
	}
	cur, err := s.Scenario(run)
	if err != nil {
		return fmt.Errorf("run %s: %w", run.ID, err)
	}
	b, err := cur.Encode()
	if err != nil {
		return err
	}
	diff, err := scenario.Diff(old, b)
	if err != nil || len(diff) == 0 {
		diff = []string{"its scenario.toml differs"}
	}
	return fmt.Errorf("run %s: %s", run.ID, strings.Join(diff, "; "))
}

// CheckRun reports whether data, a run's scenario.toml at path, is the
// scenario the manifest lists for run (its ConfigHash and seed).
func CheckRun(path string, data []byte, run Run) error {
	sc, err := scenario.Parse(path, data, nil)
	if err != nil {
		return fmt.Errorf("run %s: its scenario.toml no longer loads: %w", run.ID, err)
	}
	h, err := sc.ConfigHash()
	if err != nil {
		return err
	}
	if h != run.Config || sc.Seed != run.Seed {
		return fmt.Errorf("run %s was made from a different scenario (config %s, seed %d) than the sweep lists (config %s, seed %d)", run.ID, h, sc.Seed, run.Config, run.Seed)
	}
	return nil
}

// staleError refuses to mix runs made from an older scenario with new ones.
func staleError(dir string, n int, details []string) error {
	if len(details) > 5 {
		details = append(details[:5], fmt.Sprintf("… and %d more", len(details)-5))
	}
	return fmt.Errorf("%s holds %d runs made from a different scenario than this sweep would run now "+
		"(the base scenario or the sweep file changed):\n  %s\nold and new results are never mixed: choose another --out, or delete %s to start afresh",
		dir, n, strings.Join(details, "\n  "), dir)
}

// writeManifest writes dir/sweep.json, or checks that the one there lists
// the same runs.
func (s *Sweep) writeManifest(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(manifest{Name: s.Name, Runs: s.Runs}, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	p := filepath.Join(dir, ManifestFile)
	old, err := os.ReadFile(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return record.WriteFile(p, b)
	case err != nil:
		return err
	case !bytes.Equal(old, b):
		return s.manifestChange(dir, old)
	}
	return nil
}

// manifestChange explains why the manifest in dir differs from s's: the
// same runs with changed scenarios, or another sweep.
func (s *Sweep) manifestChange(dir string, old []byte) error {
	var m manifest
	if json.Unmarshal(old, &m) != nil || len(m.Runs) != len(s.Runs) {
		return fmt.Errorf("%s holds a different sweep (its %s lists other runs); choose another --out", dir, ManifestFile)
	}
	var details []string
	changed := 0
	for i, r := range m.Runs {
		cur := s.Runs[i]
		if r.ID != cur.ID || r.Seed != cur.Seed {
			return fmt.Errorf("%s holds a different sweep (its %s lists other runs); choose another --out", dir, ManifestFile)
		}
		if r.Config == cur.Config {
			continue
		}
		changed++
		if len(details) < 5 {
			if err := s.checkDone(RunDir(dir, cur.ID), cur); err != nil {
				details = append(details, err.Error())
			} else {
				details = append(details, "run "+cur.ID+": its scenario changed")
			}
		}
	}
	if changed == 0 {
		return fmt.Errorf("%s holds a different sweep (its %s lists other runs); choose another --out", dir, ManifestFile)
	}
	return staleError(dir, changed, details)
}

// manifest is sweep.json.
type manifest struct {
	Name string `json:"name"`
	Runs []Run  `json:"runs"`
}

// ReadManifest reads a sweep folder's run list.
func ReadManifest(dir string) (string, []Run, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return "", nil, fmt.Errorf("%s is not a sweep folder: %w", dir, err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return "", nil, fmt.Errorf("%s: %w", filepath.Join(dir, ManifestFile), err)
	}
	return m.Name, m.Runs, nil
}
