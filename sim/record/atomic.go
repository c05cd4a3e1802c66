package record

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// SummaryFile is the name of the file whose presence marks a completed run.
const SummaryFile = "summary.json"

// WriteFile writes data to path atomically: a temporary file in the same
// folder, synced, then renamed over path.
func WriteFile(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	return commit(f, path)
}

// commit syncs and closes the temporary file f and renames it to path.
func commit(f *os.File, path string) error {
	err := f.Chmod(0o644) // CreateTemp makes 0600; outputs are ordinary files
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// ErrCompleted is returned by Prepare for a folder that holds a completed run.
var ErrCompleted = errors.New("holds a completed run (summary.json exists); pass --force to overwrite it or choose another --out")

// Prepare makes the run folder dir. A folder holding a completed run is
// refused unless force is set, in which case its summary.json is removed
// first, so that the folder never pairs an old summary with new rounds.
func Prepare(dir string, force bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	sum := filepath.Join(dir, SummaryFile)
	_, err := os.Stat(sum)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case !force:
		return fmt.Errorf("%s %w", dir, ErrCompleted)
	}
	return os.Remove(sum)
}
