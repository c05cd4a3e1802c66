package record

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// Lock is an advisory lock held on a file for the life of a process (or
// until Unlock): the kernel releases it when the process dies, so a lock
// file left by a killed run never blocks the next one.
type Lock struct{ f *os.File }

// TryLock takes the lock on path (creating it) or fails at once, saying
// which process holds it.
func TryLock(path string) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := lockFile(f); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		who := strings.TrimSpace(string(holder))
		if who == "" {
			who = "another process"
		}
		return nil, fmt.Errorf("%s is in use by %s (lock file %s)", strings.TrimSuffix(path, string(os.PathSeparator)+".lock"), who, path)
	}
	host, _ := os.Hostname()
	f.Truncate(0)
	fmt.Fprintf(f, "process %d on %s since %s\n", os.Getpid(), host, time.Now().UTC().Format(time.RFC3339))
	return &Lock{f}, nil
}

// Unlock releases the lock.
func (l *Lock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing the descriptor releases the lock
	l.f = nil
	return err
}
