package record

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/econsim/econsim/sim"
)

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.txt")
	if err := WriteFile(p, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("two")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "two" {
		t.Errorf("content %q, want two", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("temporary files left behind: %v", ents)
	}
	if err := WriteFile(filepath.Join(dir, "missing", "x"), nil); err == nil {
		t.Error("write into a missing folder succeeded")
	}
}

func TestPrepare(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if err := Prepare(dir, false); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, SummaryFile), []byte("{}"), 0o644)
	if err := Prepare(dir, false); !errors.Is(err, ErrCompleted) {
		t.Errorf("completed run not refused: %v", err)
	}
	if err := Prepare(dir, true); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, SummaryFile)); !os.IsNotExist(err) {
		t.Error("--force kept the old summary.json")
	}
}

// TestRounds: four rounds, period 3 → the last period is rounds 3 only
// ((4−1)/3·3 = 3); with 5 rounds it is rounds 3 and 4.
func TestRounds(t *testing.T) {
	dir := t.TempDir()
	r, err := NewRounds(dir, 5, 3, sim.MetricNames(1))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		s := &sim.RoundStats{Round: i, Productivity: float64(10 * i), Wage: 1, Rates: []float64{0.25}}
		if err := r.Record(s); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "rounds.csv")); !os.IsNotExist(err) {
		t.Error("rounds.csv visible before Close")
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "rounds.csv"))
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 6 || !strings.HasPrefix(lines[0], "round,productivity,gini_pre,") || !strings.HasSuffix(lines[0], ",market_residual,market_iterations,output,capital_income,capital,objective,stackelberg_gap,rate_0") {
		t.Fatalf("unexpected csv:\n%s", b)
	}
	if !strings.HasPrefix(lines[3], "2,20,0,") || !strings.HasSuffix(lines[3], ",1,0,0,0,0,0,0,0,0.25") {
		t.Errorf("row 2 = %q", lines[3])
	}
	if got := r.MeanLastPeriod()["productivity"]; got != 35 {
		t.Errorf("mean over rounds 3 and 4 = %v, want 35", got)
	}
	if got := r.Final()["productivity"]; got != 40 {
		t.Errorf("final = %v, want 40", got)
	}
}

func TestFloatJSON(t *testing.T) {
	for _, c := range []struct {
		x    float64
		want string
	}{{math.NaN(), "null"}, {math.Inf(1), "null"}, {0.1, "0.1"}, {1e21, "1e+21"}} {
		b, _ := Float(c.x).MarshalJSON()
		if string(b) != c.want {
			t.Errorf("Float(%v) = %s, want %s", c.x, b, c.want)
		}
	}
}

// TestConvergedRound: objective 10, 12, 11, 11.005, 11.004 with a rate that
// last moves at round 2 → the tail from round 2 is within 1e-3 relative of
// 11.004, so the answer is 2; a rate moving at round 4 makes it 4.
func TestConvergedRound(t *testing.T) {
	for _, c := range []struct {
		rates []float64
		want  int
	}{
		{[]float64{0.1, 0.2, 0.3, 0.3, 0.3}, 2},
		{[]float64{0.3, 0.3, 0.3, 0.3, 0.31}, 4},
	} {
		r, err := NewRounds(t.TempDir(), 5, 1, sim.MetricNames(1))
		if err != nil {
			t.Fatal(err)
		}
		for i, obj := range []float64{10, 12, 11, 11.005, 11.004} {
			r.Record(&sim.RoundStats{Round: i, Objective: obj, Rates: []float64{c.rates[i]}})
		}
		r.Close()
		if got := r.ConvergedRound(); got != c.want {
			t.Errorf("rates %v: converged round %d, want %d", c.rates, got, c.want)
		}
	}
}
