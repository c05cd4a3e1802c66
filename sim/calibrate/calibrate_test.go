package calibrate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/econsim/econsim/internal/testenv"
	"github.com/econsim/econsim/sim/scenario"
)

// calibration writes a calibration file of the small economy with the
// given estimate and target arrays, and loads it.
func calibration(t *testing.T, estimate, target string, budget int) *Calibration {
	t.Helper()
	dir := t.TempDir()
	src, err := filepath.Abs("testdata/small.toml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "cal.toml")
	doc := fmt.Sprintf("scenario = %q\nbudget = %d\nestimate = [\n%s\n]\ntarget = [\n%s\n]\n", src, budget, estimate, target)
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// moments are the small economy's stationary metrics at β and μ.
func moments(t *testing.T, beta, mu float64) map[string]float64 {
	t.Helper()
	c := calibration(t, `{ key = "utility.discount", min = 0.9, max = 0.99 }, { key = "utility.risk_aversion", min = 1, max = 6 }`,
		`{ metric = "equilibrium.capital", value = 1 }`, 1)
	ev := &evaluator{c: c}
	m, err := ev.metrics(context.Background(), []float64{beta, mu})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestRecoversParameters: calibrated to the moments of the economy at
// β 0.95 and μ 2 (its K/Y, wealth Gini and share at the borrowing limit),
// from β 0.93 and μ 4, Nelder–Mead finds β and μ back.
func TestRecoversParameters(t *testing.T) {
	testenv.SkipUnlessLong(t, "120 stationary equilibria, about 20 s")
	m := moments(t, 0.95, 2)
	target := fmt.Sprintf(`{ metric = "equilibrium.capital_output", value = %v }, { metric = "equilibrium.wealth_gini", value = %v }, { metric = "equilibrium.constrained_share", value = %v }`,
		m["equilibrium.capital_output"], m["equilibrium.wealth_gini"], m["equilibrium.constrained_share"])
	c := calibration(t, `{ key = "utility.discount", min = 0.9, max = 0.99, start = 0.93 }, { key = "utility.risk_aversion", min = 1, max = 6, start = 4 }`, target, 120)
	res, err := c.Run(context.Background(), t.TempDir(), Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	beta, mu := res.Best.X[0], res.Best.X[1]
	t.Logf("found β %.6f, μ %.5f (objective %.3g, %d evaluations, %.1f s)", beta, mu, res.Best.Objective, res.Evaluations, res.Seconds)
	if math.Abs(beta-0.95) > 1e-3 || math.Abs(mu-2) > 0.05 {
		t.Errorf("found β %v, μ %v; want 0.95 within 1e-3, 2 within 0.05", beta, mu)
	}
}

// TestResume: a calibration stopped half-way (its context cancelled after
// four evaluations, its journal's last row cut short) resumes from
// evaluations.csv and finds what an uninterrupted one finds.
func TestResume(t *testing.T) {
	if testing.Short() {
		t.Skip("two calibrations")
	}
	est := `{ key = "utility.discount", min = 0.9, max = 0.99 }`
	tgt := `{ metric = "equilibrium.capital_output", value = 3.2 }`
	whole, err := calibration(t, est, tgt, 12).Run(context.Background(), t.TempDir(), Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	c := calibration(t, est, tgt, 12)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	stopAfter := &countingWriter{n: 4, stop: cancel}
	if _, err := c.Run(ctx, dir, Options{Workers: 1, Progress: stopAfter}); !errors.Is(err, context.Canceled) {
		t.Fatalf("stopped calibration: %v, want context.Canceled", err)
	}
	if _, err := os.Stat(filepath.Join(dir, resultFile)); err == nil {
		t.Fatal("a stopped calibration wrote calibration.json")
	}
	f, err := os.OpenFile(filepath.Join(dir, journalFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("5,0.95") // a row cut short
	f.Close()
	res, err := c.Run(context.Background(), dir, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Replayed < 4 || res.Best.X[0] != whole.Best.X[0] || res.Best.Objective != whole.Best.Objective {
		t.Errorf("resumed: %d read back, β %v (objective %v); uninterrupted β %v (%v)", res.Replayed, res.Best.X[0], res.Best.Objective, whole.Best.X[0], whole.Best.Objective)
	}
	if _, err := c.Run(context.Background(), dir, Options{Workers: 1}); err == nil || !strings.Contains(err.Error(), "holds a completed calibration") {
		t.Errorf("a completed folder without --force: %v", err)
	}
	other := calibration(t, est, `{ metric = "equilibrium.capital_output", value = 3.3 }`, 12)
	os.Remove(filepath.Join(dir, resultFile))
	var se scenario.Errors
	if _, err := other.Run(context.Background(), dir, Options{Workers: 1}); !errors.As(err, &se) || !strings.Contains(err.Error(), "was written for another calibration") {
		t.Errorf("a journal of another calibration: %v", err)
	}
}

// countingWriter cancels after n lines.
type countingWriter struct {
	n    int
	stop func()
}

func (w *countingWriter) Write(p []byte) (int, error) {
	if w.n--; w.n == 0 {
		w.stop()
	}
	return len(p), nil
}

// TestUnmovedAndFailures: a target no key moves is said, and bounds where
// the model has no solution anywhere end the calibration with an error.
func TestUnmovedAndFailures(t *testing.T) {
	if testing.Short() {
		t.Skip("stationary equilibria")
	}
	c := calibration(t, `{ key = "utility.discount", min = 0.93, max = 0.97 }`,
		`{ metric = "equilibrium.capital_output", value = 3.0 }, { metric = "equilibrium.labor", value = 2 }`, 6)
	res, err := c.Run(context.Background(), t.TempDir(), Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	s := c.Summarise(res)
	if !s.Targets[1].Unmoved || s.Targets[1].Reached || s.Targets[0].Unmoved {
		t.Errorf("targets %+v: want labour unmoved and not reached, K/Y moved", s.Targets)
	}
	// a grid whose top is below what households hold: no equilibrium
	bad := calibration(t, `{ key = "agents.grid_max", min = 0.01, max = 0.02 }`, `{ metric = "equilibrium.capital_output", value = 3.0 }`, 3)
	if _, err := bad.Run(context.Background(), t.TempDir(), Options{Workers: 1}); !errors.Is(err, ErrEveryEvaluationFailed) {
		t.Errorf("bounds with no solution: %v, want ErrEveryEvaluationFailed", err)
	}
}

// TestFileErrors: every key of a calibration file is checked, at its line.
func TestFileErrors(t *testing.T) {
	src, _ := filepath.Abs("testdata/small.toml")
	head := fmt.Sprintf("scenario = %q\n", src)
	for _, c := range []struct{ name, doc, want string }{
		{"no scenario", "estimate = []\n", "c.toml: scenario: is missing"},
		{"unreadable scenario", "scenario = \"nowhere.toml\"\n", "scenario: cannot read"},
		{"no estimate", head, "estimate: is missing"},
		{"no target", head + "estimate = [ { key = \"utility.discount\", min = 0.9, max = 0.99 } ]\n", "target: is missing"},
		{"unknown key", head + "estimate = [ { key = \"utility.patience\", min = 0.9, max = 0.99 } ]\ntarget = [ { metric = \"equilibrium.capital\", value = 6 } ]\n", "utility.patience: unknown key"},
		{"bounds", head + "estimate = [ { key = \"utility.discount\", min = 0.99, max = 0.9 } ]\ntarget = [ { metric = \"equilibrium.capital\", value = 6 } ]\n", "c.toml:2: estimate[0].min: the bounds must be finite with min < max"},
		{"start outside", head + "estimate = [ { key = \"utility.discount\", min = 0.9, max = 0.95, start = 0.97 } ]\ntarget = [ { metric = \"equilibrium.capital\", value = 6 } ]\n", "estimate[0].start: 0.97 is not inside the bounds"},
		{"twice", head + "estimate = [ { key = \"utility.discount\", min = 0.9, max = 0.95 }, { key = \"utility.discount\", min = 0.9, max = 0.95 } ]\ntarget = [ { metric = \"equilibrium.capital\", value = 6 } ]\n", "estimate[1].key: utility.discount is estimated twice"},
		{"seed", head + "estimate = [ { key = \"seed\", min = 1, max = 5 } ]\ntarget = [ { metric = \"equilibrium.capital\", value = 6 } ]\n", "estimate[0].key: seed is not a parameter"},
		{"metric", head + "estimate = [ { key = \"utility.discount\", min = 0.9, max = 0.95 } ]\ntarget = [ { metric = \"equilibrium.wealth\", value = 6 } ]\n", "c.toml:3: target[0].metric: the stationary equilibrium has no \"wealth\""},
		{"bare metric", head + "estimate = [ { key = \"utility.discount\", min = 0.9, max = 0.95 } ]\ntarget = [ { metric = \"gini\", value = 6 } ]\n", "target[0].metric: \"gini\" is not a metric"},
		{"zero value", head + "estimate = [ { key = \"utility.discount\", min = 0.9, max = 0.95 } ]\ntarget = [ { metric = \"equilibrium.capital\", value = 0 } ]\n", "target[0].value: must be finite and not 0"},
		{"weight", head + "estimate = [ { key = \"utility.discount\", min = 0.9, max = 0.95 } ]\ntarget = [ { metric = \"equilibrium.capital\", value = 6, weight = -1 } ]\n", "target[0].weight: must be positive"},
		{"a scenario", "name = \"x\"\n[population]\nagents = 5\n", "this is a scenario or sweep file"},
		{"unknown top key", head + "budgets = 5\n", "budgets: unknown key"},
		{"budget", head + "budget = -3\n", "budget: must be between 1 and 100000"},
		{"huge value", head + "estimate = [ { key = \"utility.discount\", min = 0.9, max = 1e300 } ]\ntarget = [ { metric = \"equilibrium.capital\", value = 6 } ]\n", "utility.discount: must be in (0, 1)"},
	} {
		_, err := Parse("c.toml", []byte(c.doc))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

// FuzzParse: no calibration file makes Parse panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte("scenario = \"testdata/small.toml\"\nestimate = [ { key = \"utility.discount\", min = 0.9, max = 0.99 } ]\ntarget = [ { metric = \"equilibrium.capital\", value = 6 } ]\n"))
	f.Add([]byte("budget = 1e300\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Parse("f.toml", data)
	})
}
