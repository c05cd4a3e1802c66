package record

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrCompleted is returned by Begin for a folder that holds a completed run.
var ErrCompleted = errors.New("holds a completed run (summary.json exists); pass --force to overwrite it or choose another --out")

// Folder is a run folder being written. Write the run's files into Dir, then
// call Commit; Close always (it releases the folder's lock).
//
// A folder holding a completed run is never touched before the new run is
// complete: with force, the new run is written to a staging folder beside it
// and swapped in by Commit, so an interruption at any moment leaves either
// the old run or the new one, whole.
type Folder struct {
	Dir   string // where to write the run's files
	final string // the run folder the user named
	lock  *Lock
}

// stagingPrefix names the staging folders of dir, beside it.
func stagingPrefix(dir string) string {
	return filepath.Join(filepath.Dir(dir), "."+filepath.Base(dir)+".new-")
}

// Begin makes the run folder dir, takes its lock (refusing a folder in use
// by another process), removes what interrupted runs left there (hidden
// temporary files, staging folders), and returns where to write. A folder
// holding a completed run is refused unless force is set.
func Begin(dir string, force bool) (*Folder, error) {
	// Absolute, so that the staging folder lands beside dir even for "."
	// (whose parent filepath.Dir would not name).
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	if err := recoverInterrupted(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	lock, err := TryLock(filepath.Join(dir, ".lock"))
	if err != nil {
		return nil, err
	}
	f := &Folder{Dir: dir, final: dir, lock: lock}
	if err := f.clean(); err != nil {
		lock.Unlock()
		return nil, err
	}
	_, err = os.Stat(filepath.Join(dir, SummaryFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return f, nil
	case err != nil:
		lock.Unlock()
		return nil, err
	case !force:
		lock.Unlock()
		return nil, fmt.Errorf("%s %w", dir, ErrCompleted)
	}
	staging, err := os.MkdirTemp(filepath.Dir(dir), filepath.Base(stagingPrefix(dir))+"*")
	if err == nil {
		err = os.Chmod(staging, 0o755) // MkdirTemp makes 0700; a run folder is an ordinary one
	}
	if err != nil {
		lock.Unlock()
		return nil, err
	}
	f.Dir = staging
	return f, nil
}

// clean removes the hidden temporary files of interrupted writes in the
// folder and its stale staging folders (stale: we hold the folder's lock,
// and only the lock's holder writes them).
func (f *Folder) clean() error {
	tmps, err := filepath.Glob(filepath.Join(f.final, ".*.tmp-*"))
	if err != nil {
		return err
	}
	stages, err := filepath.Glob(globQuote(stagingPrefix(f.final)) + "*")
	if err != nil {
		return err
	}
	for _, p := range append(tmps, stages...) {
		if err := os.RemoveAll(p); err != nil {
			return err
		}
	}
	return nil
}

// globQuote escapes the glob metacharacters of a literal path.
func globQuote(p string) string {
	r := strings.NewReplacer(`*`, `\*`, `?`, `\?`, `[`, `\[`, `\`, `\\`)
	return r.Replace(p)
}

// Commit makes the run written to Dir the folder's run. For a run written
// in place it does nothing; for a staged one it swaps the folders (the old
// run goes to the staging name, then is removed).
func (f *Folder) Commit() error {
	if f.Dir == f.final {
		return nil
	}
	if err := exchange(f.Dir, f.final); err != nil {
		return fmt.Errorf("replace %s with the new run: %w (the new run is in %s)", f.final, err, f.Dir)
	}
	old := f.Dir
	f.Dir = f.final
	return os.RemoveAll(old)
}

// Close releases the folder. A staged run that was not committed stays in
// its staging folder (its rounds.csv holds the rounds completed, as an
// error message may say) until the next Begin on the folder removes it.
func (f *Folder) Close() error { return f.lock.Unlock() }

// exchangeByRenames swaps the folders a and b with three renames: b to
// a+".old", a to b, a+".old" to a. An interruption after the first leaves
// b missing and its run at a+".old", which Begin moves back.
func exchangeByRenames(a, b string) error {
	old := a + ".old"
	if err := os.Rename(b, old); err != nil {
		return err
	}
	if err := os.Rename(a, b); err != nil {
		return errors.Join(err, os.Rename(old, b))
	}
	return os.Rename(old, a)
}

// recoverInterrupted moves back a completed run that an interrupted
// exchangeByRenames left beside dir, when dir itself is missing.
func recoverInterrupted(dir string) error {
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	olds, err := filepath.Glob(globQuote(stagingPrefix(dir)) + "*.old")
	if err != nil || len(olds) != 1 {
		return err
	}
	return os.Rename(olds[0], dir)
}
