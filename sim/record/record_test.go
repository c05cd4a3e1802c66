package record

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
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

func TestBegin(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	f, err := Begin(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if f.Dir != dir {
		t.Errorf("a new run is written in %s, want in place %s", f.Dir, dir)
	}
	os.WriteFile(filepath.Join(dir, "scenario.toml"), []byte("old"), 0o644)
	os.WriteFile(filepath.Join(dir, SummaryFile), []byte("{}"), 0o644)
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := Begin(dir, false); !errors.Is(err, ErrCompleted) {
		t.Errorf("completed run not refused: %v", err)
	}
}

// TestForceKeepsOldRunUntilNewIsComplete: --force used to delete the old
// summary.json first, so a kill left a new scenario.toml beside old rounds.
func TestForceKeepsOldRunUntilNewIsComplete(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "scenario.toml"), []byte("old"), 0o644)
	os.WriteFile(filepath.Join(dir, "rounds.csv"), []byte("old"), 0o644)
	os.WriteFile(filepath.Join(dir, SummaryFile), []byte("old"), 0o644)
	read := func(name string) string {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		return string(b)
	}
	// A forced run killed before it completes: the old run is untouched.
	f, err := Begin(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	if f.Dir == dir {
		t.Fatal("a forced run writes into the completed folder")
	}
	os.WriteFile(filepath.Join(f.Dir, "scenario.toml"), []byte("new"), 0o644)
	f.Close() // killed: no Commit
	if read("scenario.toml") != "old" || read(SummaryFile) != "old" || read("rounds.csv") != "old" {
		t.Fatal("an interrupted forced run changed the old run")
	}
	// The next forced run cleans the leftover staging folder and, once
	// complete, replaces the old run whole.
	f, err = Begin(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(f.Dir, "scenario.toml"), []byte("new"), 0o644)
	os.WriteFile(filepath.Join(f.Dir, SummaryFile), []byte("new"), 0o644)
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("the swapped-in folder's mode is %v, want rwxr-xr-x", fi.Mode().Perm())
	}
	if read("scenario.toml") != "new" || read(SummaryFile) != "new" || read("rounds.csv") != "" {
		t.Errorf("after commit: scenario %q summary %q rounds %q, want new, new and no old rounds", read("scenario.toml"), read(SummaryFile), read("rounds.csv"))
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".run.new-*")); len(left) != 0 {
		t.Errorf("staging folders left: %v", left)
	}
	// An exchange by renames interrupted after its first rename: the old run
	// sits beside the missing folder; Begin moves it back.
	os.Rename(dir, stagingPrefix(dir)+"123.old")
	if _, err := Begin(dir, false); !errors.Is(err, ErrCompleted) {
		t.Errorf("interrupted exchange not recovered: %v", err)
	}
	if read(SummaryFile) != "new" {
		t.Error("the recovered run is not the completed one")
	}
}

func TestExchangeByRenames(t *testing.T) {
	d := t.TempDir()
	a, b := filepath.Join(d, "a"), filepath.Join(d, "b")
	os.MkdirAll(a, 0o755)
	os.MkdirAll(b, 0o755)
	os.WriteFile(filepath.Join(a, "x"), []byte("a"), 0o644)
	os.WriteFile(filepath.Join(b, "x"), []byte("b"), 0o644)
	if err := exchangeByRenames(a, b); err != nil {
		t.Fatal(err)
	}
	if x, _ := os.ReadFile(filepath.Join(a, "x")); string(x) != "b" {
		t.Errorf("a holds %q, want b", x)
	}
	if x, _ := os.ReadFile(filepath.Join(b, "x")); string(x) != "a" {
		t.Errorf("b holds %q, want a", x)
	}
}

// TestFolderLockAndCleanup: a second writer of a folder is refused with the
// holder named; temporary files of a killed run are removed by the next.
func TestFolderLockAndCleanup(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	os.MkdirAll(dir, 0o755)
	stale := filepath.Join(dir, ".rounds.csv.tmp-123")
	os.WriteFile(stale, []byte("x"), 0o644)
	f, err := Begin(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("a stale temporary file was kept")
	}
	_, err = Begin(dir, false)
	if err == nil || !strings.Contains(err.Error(), "is in use by process") || !strings.Contains(err.Error(), strconv.Itoa(os.Getpid())) {
		t.Errorf("second writer: %v, want a refusal naming this process", err)
	}
	f.Close()
	g, err := Begin(dir, false)
	if err != nil {
		t.Fatalf("after the first closed: %v", err)
	}
	g.Close()
}

// TestRounds: rows in the shortest form that reads back, the file visible
// only after Close.
func TestRounds(t *testing.T) {
	dir := t.TempDir()
	r, err := NewRounds(dir, sim.MetricNames(1))
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
	if r.Rows() != 5 {
		t.Errorf("%d rows, want 5", r.Rows())
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

// TestWriteAgents: N = 4 < AgentSample, so every worker is a row, ids 0…3
// (⌊(j + ½)·4/4⌋ = j), in the shortest float form.
func TestWriteAgents(t *testing.T) {
	dir := t.TempDir()
	a := Agents{Skill: []float64{1, 2, 3, 4}, Hours: []float64{10, 20, 30, 40}, Income: []float64{10, 40, 90, 160},
		Consumption: []float64{11, 41, 91, 161}, Utility: []float64{0.5, 1.5, 2.5, 3.5}}
	if err := WriteAgents(dir, a); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, AgentsFile))
	want := "id,skill,hours,income,consumption,utility\n0,1,10,10,11,0.5\n1,2,20,40,41,1.5\n2,3,30,90,91,2.5\n3,4,40,160,161,3.5\n"
	if string(b) != want {
		t.Errorf("agents.csv:\n%s\nwant\n%s", b, want)
	}
	a.Kappa = []float64{1e-6, 2e-6, 3e-6, 4.5e-6} // a calibrated population's κ_i
	if err := WriteAgents(dir, a); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(filepath.Join(dir, AgentsFile))
	want = "id,skill,hours,income,consumption,utility,kappa\n0,1,10,10,11,0.5,1e-06\n1,2,20,40,41,1.5,2e-06\n2,3,30,90,91,2.5,3e-06\n3,4,40,160,161,3.5,4.5e-06\n"
	if string(b) != want {
		t.Errorf("agents.csv with kappa:\n%s\nwant\n%s", b, want)
	}
	// N = 25,000 > AgentSample: row j is worker ⌊(j + ½)·2.5⌋, so the first
	// rows are 1, 3, 6 and the last 24,998.
	n := 25000
	big := Agents{Skill: make([]float64, n), Hours: make([]float64, n), Income: make([]float64, n), Consumption: make([]float64, n), Utility: make([]float64, n)}
	if err := WriteAgents(dir, big); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(filepath.Join(dir, AgentsFile))
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != AgentSample+1 || !strings.HasPrefix(lines[1], "1,") || !strings.HasPrefix(lines[2], "3,") || !strings.HasPrefix(lines[3], "6,") || !strings.HasPrefix(lines[AgentSample], "24998,") {
		t.Errorf("%d lines; first %q %q %q, last %q", len(lines), lines[1], lines[2], lines[3], lines[len(lines)-1])
	}
}

// TestSummaryRoundTrip: a summary written and read back is the same, with
// NaN written as null and read back as NaN (never 0).
func TestSummaryRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s := &Summary{Name: "x", Seed: 7, Agents: 3, Rounds: 2, RoundsDone: 2, Version: "v",
		Final:          Floats(map[string]float64{"equality": 0.5, "stackelberg_gap": math.NaN()}),
		MeanLastPeriod: Floats(map[string]float64{"equality": 0.25}),
		Schedule:       Schedule{Cutoffs: []float64{0}, Rates: []float64{0.3}}, ConvergedRound: 1,
		Perf: Perf{WallSeconds: 1, AgentRoundsPerSec: 6, Workers: 2},
		LLM:  &LLM{Calls: 4, Fallbacks: 1, Cost: 0.5}}
	if err := WriteSummary(dir, s); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, SummaryFile))
	if !strings.Contains(string(b), `"stackelberg_gap": null`) {
		t.Errorf("NaN not written as null:\n%s", b)
	}
	back, err := ReadSummary(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(float64(back.Final["stackelberg_gap"])) || back.Final["equality"] != 0.5 || back.MeanLastPeriod["equality"] != 0.25 ||
		back.Seed != 7 || back.LLM == nil || back.LLM.Fallbacks != 1 || back.Schedule.Rates[0] != 0.3 || back.ConvergedRound != 1 {
		t.Errorf("read back %+v", back)
	}
	os.WriteFile(filepath.Join(dir, SummaryFile), []byte(`{"final": {"equality": "high"}}`), 0o644)
	if _, err := ReadSummary(dir); err == nil {
		t.Error("a string metric was accepted")
	}
	if _, err := ReadSummary(t.TempDir()); err == nil {
		t.Error("a missing summary was read")
	}
}

// TestForceInTheWorkingFolder: --out . --force stages beside the folder,
// not inside it, and swaps the new run in.
func TestForceInTheWorkingFolder(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "run")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, SummaryFile), []byte("old"), 0o644)
	t.Chdir(dir)
	f, err := Begin(".", true)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(f.Dir) != parent {
		t.Fatalf("staging folder %s is not beside %s", f.Dir, dir)
	}
	os.WriteFile(filepath.Join(f.Dir, SummaryFile), []byte("new"), 0o644)
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if b, _ := os.ReadFile(filepath.Join(dir, SummaryFile)); string(b) != "new" {
		t.Errorf("summary after commit: %q, want new", b)
	}
}
