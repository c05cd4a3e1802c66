// Package testenv holds the switch that runs the long validation: tests
// that reproduce published tables, simulate 10⁶ households or 10⁷ workers,
// or calibrate at full size. They run when ECONSIM_LONG is set (CI sets
// it), so that `go test ./...` stays quick for a newcomer:
//
//	ECONSIM_LONG=1 go test ./...
package testenv

import (
	"os"
	"testing"
)

// Long reports whether the long validation runs.
func Long() bool { return os.Getenv("ECONSIM_LONG") != "" }

// SkipUnlessLong skips t unless the long validation runs, saying what it
// validates.
func SkipUnlessLong(t testing.TB, what string) {
	t.Helper()
	if !Long() {
		t.Skipf("long validation (%s): set ECONSIM_LONG=1", what)
	}
}
