package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCalibrateCommand: sim calibrate prints its targets against the
// model and writes its files; bad usage and a bad file exit 2, and a
// completed folder is not overwritten without --force.
func TestCalibrateCommand(t *testing.T) {
	dir := t.TempDir()
	src, err := filepath.Abs(scen("us-earnings.toml"))
	if err != nil {
		t.Fatal(err)
	}
	cal := filepath.Join(dir, "cal.toml")
	doc := "scenario = \"" + src + "\"\nbudget = 6\nestimate = [ { key = \"utility.discount\", min = 0.9, max = 0.95 } ]\n" +
		"target = [ { metric = \"equilibrium.capital_output\", value = 3.0, source = \"a round number\" } ]\n"
	if err := os.WriteFile(cal, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	stdout, errs, code := invoke(t, context.Background(), "calibrate", cal, "--out", out)
	if code != 0 || !strings.Contains(stdout, "equilibrium.capital_output") || !strings.Contains(errs, "calibrate: 6/6") {
		t.Fatalf("exit %d:\n%s\n%s", code, stdout, errs)
	}
	for _, f := range []string{"evaluations.csv", "calibration.json", "calibrated.toml"} {
		if b, err := os.ReadFile(filepath.Join(out, f)); err != nil || len(b) < 50 {
			t.Errorf("%s missing or empty", f)
		}
	}
	if _, _, code := invoke(t, context.Background(), "run", filepath.Join(out, "calibrated.toml"), "--out", filepath.Join(dir, "run"), "--set", "rounds=1"); code != 0 {
		t.Errorf("calibrated.toml does not run: exit %d", code)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"calibrate"}, "calibrate takes one calibration file"},
		{[]string{"calibrate", cal, "--out", out}, "holds a completed calibration"},
		{[]string{"calibrate", filepath.Join(dir, "none.toml")}, "cannot read the calibration"},
		{[]string{"calibrate", src}, "this is a scenario or sweep file"},
		{[]string{"calibrate", cal, "--budget", "-1"}, "--budget must be between"},
	} {
		_, errs, code := invoke(t, context.Background(), c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", c.args, code, errs, c.want)
		}
	}
	if stdout, _, code := invoke(t, context.Background(), "calibrate", "--help"); code != 0 || !strings.Contains(stdout, "Usage: sim calibrate") {
		t.Errorf("--help: exit %d, %q", code, stdout)
	}
}
