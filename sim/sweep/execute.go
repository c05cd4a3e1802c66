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
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/econsim/econsim/sim/record"
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
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(o.Workers, 1))
	for _, run := range runs {
		rd := RunDir(dir, run.ID)
		if _, err := os.Stat(filepath.Join(rd, record.SummaryFile)); err == nil {
			note(run.ID, true, nil)
			continue
		}
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			err := s.runOne(gctx, run, rd, o)
			if err != nil && gctx.Err() != nil {
				return gctx.Err() // cancelled: not the run's fault
			}
			note(run.ID, false, err)
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

func (s *Sweep) runOne(ctx context.Context, run Run, rd string, o Options) error {
	errFile := filepath.Join(rd, "error.txt")
	err := func() error {
		if err := record.Prepare(rd, true); err != nil {
			return err
		}
		sc, err := s.Scenario(run)
		if err != nil {
			return err
		}
		_, err = RunScenario(ctx, sc, rd, RunOptions{Workers: 1, Getenv: o.Getenv, Source: s.File, Version: o.Version})
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
		return fmt.Errorf("%s holds a different sweep (its %s lists other runs); choose another --out", dir, ManifestFile)
	}
	return nil
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
