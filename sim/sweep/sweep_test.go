package sweep

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func load(t *testing.T) *Sweep {
	t.Helper()
	s, err := Load("testdata/sweep.toml")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestExpansion: 2 variants × (3 × 2 grid points) × 2 replicates = 24 runs,
// in a fixed order with stable ids, seeds paired across variants.
func TestExpansion(t *testing.T) {
	a, b := load(t), load(t)
	if len(a.Runs) != 24 {
		t.Fatalf("%d runs, want 24", len(a.Runs))
	}
	ids := map[string]bool{}
	for i, r := range a.Runs {
		if r.ID != b.Runs[i].ID || r.Seed != b.Runs[i].Seed || r.Index != i {
			t.Fatalf("run %d differs between expansions: %+v vs %+v", i, r, b.Runs[i])
		}
		if ids[r.ID] {
			t.Fatalf("duplicate id %s", r.ID)
		}
		ids[r.ID] = true
		if want := ReplicateSeed(7, r.Replicate); r.Seed != want {
			t.Errorf("run %s seed %d, want the replicate's %d", r.ID, r.Seed, want)
		}
	}
	// Order: variant, then grid keys sorted (population.agents before
	// utility.elasticity) with the last varying fastest, then replicates.
	first := a.Runs[0]
	if first.Variant != "fixed" || first.Grid[0] != [2]string{"population.agents", "200"} || first.Grid[1] != [2]string{"utility.elasticity", "0.25"} || first.Replicate != 0 {
		t.Errorf("first run %+v", first)
	}
	if r := a.Runs[1]; r.Replicate != 1 || r.Grid[1][1] != "0.25" {
		t.Errorf("second run %+v: replicates vary fastest", r)
	}
	if r := a.Runs[2]; r.Grid[1][1] != "0.5" {
		t.Errorf("third run %+v: then the last grid key", r)
	}
	if a.Runs[0].Seed == a.Runs[1].Seed {
		t.Error("replicates share a seed")
	}
	if !strings.HasPrefix(a.Runs[12].ID, "flat-20-") || a.Runs[12].Seed != a.Runs[0].Seed {
		t.Errorf("run 12 %+v: the second variant starts with replicate 0's seed", a.Runs[12])
	}
	sc, err := a.Scenario(a.Runs[13])
	if err != nil {
		t.Fatal(err)
	}
	if sc.Planner.Kind != "flat" || sc.Population.Agents != 200 || len(sc.Tax.Cutoffs) != 1 || sc.Seed != a.Runs[13].Seed {
		t.Errorf("run 13's scenario: %+v", sc)
	}
}

func TestBadSweepFiles(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "base.toml"), []byte("rounds = 2\n"), 0o644)
	for name, doc := range map[string]string{
		"no base":        "replicates = 2\n",
		"unknown key":    "base = \"base.toml\"\nreplicate = 2\n",
		"zero reps":      "base = \"base.toml\"\nreplicates = 0\n",
		"seed in grid":   "base = \"base.toml\"\n[grid]\nseed = [1, 2]\n",
		"bad value":      "base = \"base.toml\"\n[grid]\n\"population.agents\" = [0]\n",
		"unknown grid":   "base = \"base.toml\"\n[grid]\n\"population.agnts\" = [5]\n",
		"dup variant":    "base = \"base.toml\"\n[[variant]]\nname = \"a\"\n[[variant]]\nname = \"a\"\n",
		"missing base":   "base = \"nope.toml\"\n",
		"malformed toml": "base = \n",
	} {
		p := filepath.Join(dir, "s.toml")
		os.WriteFile(p, []byte(doc), 0o644)
		if _, err := Load(p); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
}

func csvOf(t *testing.T, dirs ...string) []byte {
	t.Helper()
	m, err := Merge(dirs)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Missing) > 0 || len(m.Duplicated) > 0 {
		t.Fatalf("missing %v duplicated %v", m.Missing, m.Duplicated)
	}
	out := t.TempDir()
	if err := m.WriteCSV(out); err != nil {
		t.Fatal(err)
	}
	if err := m.WriteParquet(out); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(out, "results.csv"))
	return b
}

func roundsOf(t *testing.T, dir string, s *Sweep) []byte {
	t.Helper()
	var all []byte
	for _, r := range s.Runs {
		b, err := os.ReadFile(filepath.Join(RunDir(dir, r.ID), "rounds.csv"))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

// TestResumeAndShards: a sweep stopped after a few runs (and left with a
// half-made run folder) and resumed gives the same rounds as one run
// straight through; three shards merged give the same results.
func TestResumeAndShards(t *testing.T) {
	s := load(t)
	ctx := context.Background()
	whole := t.TempDir()
	rep, err := s.Execute(ctx, whole, Options{Workers: 2})
	if err != nil || rep.Done != 24 || rep.Failed != 0 {
		t.Fatalf("whole sweep: %+v %v", rep, err)
	}

	killed := t.TempDir()
	cctx, cancel := context.WithCancel(ctx)
	_, err = s.Execute(cctx, killed, Options{Workers: 2, Progress: func(p Progress) {
		if p.Done >= 5 {
			cancel()
		}
	}})
	if err == nil {
		t.Fatal("a cancelled sweep reported success")
	}
	// What a SIGKILL mid-run leaves: a run folder without summary.json.
	half := RunDir(killed, s.Runs[23].ID)
	os.MkdirAll(half, 0o755)
	os.WriteFile(filepath.Join(half, ".rounds.csv.tmp-123"), []byte("round,prod"), 0o644)
	rep, err = s.Execute(ctx, killed, Options{Workers: 2})
	if err != nil || rep.Skipped < 5 || rep.Done+rep.Skipped != 24 {
		t.Fatalf("resume: %+v %v", rep, err)
	}
	if !bytes.Equal(roundsOf(t, whole, s), roundsOf(t, killed, s)) {
		t.Error("a resumed sweep differs from an uninterrupted one")
	}

	var shards []string
	for k := range 3 {
		d := t.TempDir()
		if _, err := s.Execute(ctx, d, Options{Workers: 2, Shard: k, Shards: 3}); err != nil {
			t.Fatal(err)
		}
		shards = append(shards, d)
	}
	if !bytes.Equal(csvOf(t, whole), csvOf(t, shards...)) {
		t.Error("the merged shards differ from the whole sweep")
	}
	// Merge notices a missing and a duplicated run.
	os.Remove(filepath.Join(RunDir(shards[0], s.Runs[0].ID), "summary.json"))
	os.CopyFS(RunDir(shards[2], s.Runs[1].ID), os.DirFS(RunDir(shards[1], s.Runs[1].ID)))
	m, err := Merge(shards)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Missing) != 1 || m.Missing[0] != s.Runs[0].ID || len(m.Duplicated) != 1 || m.Duplicated[0] != s.Runs[1].ID {
		t.Errorf("missing %v, duplicated %v", m.Missing, m.Duplicated)
	}
	// A folder of another sweep is refused.
	other := *s
	other.Runs = other.Runs[:3]
	if _, err := other.Execute(ctx, whole, Options{}); err == nil || !strings.Contains(err.Error(), "different sweep") {
		t.Errorf("another sweep's folder accepted: %v", err)
	}
}

func near(t *testing.T, name string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.12g, want %.12g", name, got, want)
	}
}

// TestStatistics against hand calculation. For 1…11: mean 6, sd √11,
// t(0.975, 10) = 2.228138852 (tables), so the CI is 6 ± 2.228138852; the
// worst 10% is the ⌈1.1⌉ = 2 smallest, mean 1.5.
func TestStatistics(t *testing.T) {
	x := []float64{5, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11}
	s := Describe(x)
	near(t, "mean", s.Mean, 6, 1e-12)
	near(t, "sd", s.SD, math.Sqrt(11), 1e-12)
	near(t, "ci lo", s.CILo, 6-2.228138852, 1e-8)
	near(t, "ci hi", s.CIHi, 6+2.228138852, 1e-8)
	near(t, "worst", s.Worst, 1, 0)
	near(t, "worst10", s.Worst10, 1.5, 0)
	if one := Describe([]float64{3}); !math.IsNaN(one.SD) || !math.IsNaN(one.CILo) || one.Mean != 3 {
		t.Errorf("n = 1: %+v", one)
	}

	// Paired: d = 2, 3, 4, 5: mean 3.5, sd √(5/3), se = sd/2, t = 3.5/se;
	// t(0.975, 3) = 3.182446305. With 3 degrees of freedom the t CDF is
	// 1/2 + (1/π)(u/(1+u²) + atan u), u = t/√3.
	p := ComparePaired([]float64{3, 5, 7, 9}, []float64{1, 2, 3, 4})
	se := math.Sqrt(5.0/3) / 2
	tt := 3.5 / se
	u := tt / math.Sqrt(3)
	cdf := 0.5 + (u/(1+u*u)+math.Atan(u))/math.Pi
	near(t, "diff", p.Mean, 3.5, 1e-12)
	near(t, "t", p.T, tt, 1e-12)
	near(t, "p", p.P, 2*(1-cdf), 1e-10)
	near(t, "diff ci lo", p.CILo, 3.5-3.182446305*se, 1e-8)
	near(t, "win", p.WinRate, 1, 0)
	q := ComparePaired([]float64{1, 2, 3, 4}, []float64{1, 3, 1, 4}) // d = 0, −1, 2, 0
	near(t, "win with ties", q.WinRate, (1+0.5+0.5)/4, 1e-15)
	c := ComparePaired([]float64{2, 3}, []float64{1, 2}) // every d = 1
	if c.P != 0 || !math.IsInf(c.T, 1) {
		t.Errorf("constant non-zero differences: t %v p %v", c.T, c.P)
	}

	// Pareto: A(1,1) B(2,0) C(1,1)=A D(0.5,0.5) E(2,0)=B F(1.5,0.5)
	front := ParetoFront([]float64{1, 2, 1, 0.5, 2, 1.5}, []float64{1, 0, 1, 0.5, 0, 0.5})
	if got := len(front); got != 5 || front[0] != 0 || front[1] != 1 || front[2] != 2 || front[3] != 4 || front[4] != 5 {
		t.Errorf("front %v, want [0 1 2 4 5] (D dominated; duplicates kept)", front)
	}
}

// TestCompareOutput: the printed numbers of a comparison, checked against
// the hand-computed statistics above to the last printed digit.
func TestCompareOutput(t *testing.T) {
	mk := func(v string, rep int, eq, prod float64) Result {
		return Result{Run: Run{Variant: v, Replicate: rep, ID: v + string(rune('0'+rep))},
			Final: map[string]float64{"equality": eq, "productivity": prod}}
	}
	m := &Merged{Name: "hand"}
	for i, b := range []float64{1, 2, 3, 4} {
		m.Results = append(m.Results, mk("base", i, b, 10))
	}
	for i, a := range []float64{3, 5, 7, 9} {
		m.Results = append(m.Results, mk("new", i, a, 10))
	}
	m.Runs = make([]Run, 8)
	c, err := Compare(m, "variant", "", []string{"equality"})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := c.Write(&b, "csv"); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	// base: mean 2.5, sd √(5/3) = 1.2909944, CI 2.5 ± 3.1824463·0.6454972
	// = 2.5 ± 2.0542603 = [0.4457397, 4.5542603].
	if want := "base,equality,4,2.5,1.29099,0.44574,4.55426,baseline,,,,,1,1"; lines[1] != want {
		t.Errorf("baseline row\n got %s\nwant %s", lines[1], want)
	}
	// new: mean 6, sd √(20/3) = 2.5819889, CI 6 ± 3.1824463·1.2909944 =
	// 6 ± 4.1085205; diff 3.5 ± 2.0542603; p from the closed-form t CDF
	// with 3 degrees of freedom (as in TestStatistics); win 1; worst 3.
	u := 3.5 / (math.Sqrt(5.0/3) / 2) / math.Sqrt(3)
	pv := 2 * (1 - (0.5 + (u/(1+u*u)+math.Atan(u))/math.Pi))
	if want := "new,equality,4,6,2.58199,1.89148,10.1085,3.5,1.44574,5.55426," + num(pv) + ",1,3,3"; lines[2] != want {
		t.Errorf("new row\n got %s\nwant %s", lines[2], want)
	}
	if len(c.Front) != 1 || c.Front[0] != "new" {
		t.Errorf("front %v, want [new]", c.Front)
	}
}
