package record

import (
	"fmt"
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
