package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/econsim/econsim/sim/record"
)

func load(t *testing.T) *Sweep {
	t.Helper()
	s, err := Load("testdata/sweep.toml", 0)
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
	for _, c := range []struct{ name, doc, want string }{
		{"no base", "replicates = 2\n", "base: is required"},
		{"unknown key", "base = \"base.toml\"\nreplicate = 2\n", "replicate: unknown key"},
		{"zero reps", "base = \"base.toml\"\nreplicates = 0\n", "replicates: must be at least 1"},
		{"seed in grid", "base = \"base.toml\"\n[grid]\nseed = [1, 2]\n", "use replicates"},
		{"seed in a variant", "base = \"base.toml\"\n[[variant]]\nname = \"a\"\nset = { seed = 3 }\n", "use replicates"},
		{"bad value", "base = \"base.toml\"\n[grid]\n\"population.agents\" = [0]\n", "s.toml: grid.population.agents = 0: run base-"},
		{"bad grid point", "base = \"base.toml\"\n[grid]\n\"utility.elasticity\" = [0.5, -1.0]\n", "s.toml: grid.utility.elasticity = -1: run base-"},
		{"bad variant value", "base = \"base.toml\"\n[[variant]]\nname = \"a\"\nset = { \"utility.elasticity\" = -2.0 }\n", `s.toml: variant "a" sets utility.elasticity: run a-`},
		{"unknown grid", "base = \"base.toml\"\n[grid]\n\"population.agnts\" = [5]\n", "did you mean population.agents"},
		{"empty grid key part", "base = \"base.toml\"\n[grid]\n\".x\" = [5]\n", `grid.".x": malformed key`},
		{"empty variant key part", "base = \"base.toml\"\n[[variant]]\nname = \"a\"\nset = { \".x\" = 1 }\n", `variant[0].set.".x": malformed key`},
		{"dot key", "base = \"base.toml\"\n[[variant]]\nname = \"a\"\nset = { \".\" = 1 }\n", "malformed key"},
		{"dup variant", "base = \"base.toml\"\n[[variant]]\nname = \"a\"\n[[variant]]\nname = \"a\"\n", "duplicate variant name"},
		{"colliding ids", "base = \"base.toml\"\n[[variant]]\nname = \"Flat 30%\"\nset = { \"planner.kind\" = \"flat\", \"planner.rate\" = 0.3, \"tax.cutoffs\" = [0.0] }\n" +
			"[[variant]]\nname = \"flat-30\"\nset = { \"planner.kind\" = \"flat\", \"planner.rate\" = 0.3, \"tax.cutoffs\" = [0.0] }\n", `variants "Flat 30%" and "flat-30" give the same run ids`},
		{"name out of the folder", "name = \"../../x\"\nbase = \"base.toml\"\n", "name: must not contain path separators"},
		{"name with a NUL", "name = \"a\\u0000b\"\nbase = \"base.toml\"\n", "name: must not contain control characters"},
		{"name with a newline", "name = \"a\\nb\"\nbase = \"base.toml\"\n", "name: must not contain control characters"},
		{"missing base", "base = \"nope.toml\"\n", "base: open"},
		{"malformed toml", "base = \n", "s.toml"},
		{"negative base seed", "base = \"neg.toml\"\n", "seed: must be an integer from 0"},
	} {
		os.WriteFile(filepath.Join(dir, "neg.toml"), []byte("seed = -1\n"), 0o644)
		p := filepath.Join(dir, "s.toml")
		os.WriteFile(p, []byte(c.doc), 0o644)
		_, err := Load(p, 0)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// TestHugeSweepRefused: a sweep whose run list cannot fit is refused before
// it is expanded (an expansion of 10^8 runs took a minute and then ran out
// of memory), and so is one whose single run cannot fit.
func TestHugeSweepRefused(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "base.toml"), []byte("rounds = 2\n"), 0o644)
	p := filepath.Join(dir, "s.toml")
	os.WriteFile(p, []byte("base = \"base.toml\"\nreplicates = 100000000\n[grid]\n\"utility.elasticity\" = [0.2, 0.4]\n"), 0o644)
	_, err := Load(p, 8<<30) // before expanding: 2×10⁸ runs would take minutes
	if err == nil || !strings.Contains(err.Error(), "200000000 runs") || !strings.Contains(err.Error(), "8.0 GiB") {
		t.Fatalf("got %v, want a refusal naming 200000000 runs and the 8 GiB limit", err)
	}
	os.WriteFile(p, []byte("base = \"base.toml\"\n[grid]\n\"population.agents\" = [100, 500000000]\n"), 0o644)
	if _, err := Load(p, 8<<30); err == nil || !strings.Contains(err.Error(), "of memory, more than this machine's 8.0 GiB") {
		t.Fatalf("got %v, want a refusal of the 5e8-worker run", err)
	}
	if _, err := Load(p, 0); err != nil {
		t.Fatalf("without a limit: %v", err)
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

// FuzzSweepFile: any sweep file is expanded or refused with an error; it
// never panics (a grid key ".x" used to), and the runs of an expanded one
// have distinct ids.
func FuzzSweepFile(f *testing.F) {
	dir := f.TempDir()
	os.WriteFile(filepath.Join(dir, "base.toml"), []byte("rounds = 2\n[population]\nagents = 20\n"), 0o644)
	seed, _ := os.ReadFile("testdata/sweep.toml")
	f.Add(string(seed))
	f.Add("base = \"base.toml\"\n[grid]\n\".x\" = [1]\n")
	f.Add("base = \"base.toml\"\n[[variant]]\nname = \"a\"\nset = { \"planner.kind\" = \"flat\", \"planner.rate\" = 0.2 }\n")
	f.Fuzz(func(t *testing.T, doc string) {
		s, err := Parse(filepath.Join(dir, "s.toml"), []byte(doc), 1<<30)
		if err != nil {
			return
		}
		ids := map[string]bool{}
		for _, r := range s.Runs {
			if ids[r.ID] {
				t.Fatalf("two runs share the id %s", r.ID)
			}
			ids[r.ID] = true
		}
	})
}

// copySweep copies testdata's sweep and base into a fresh folder, so a test
// can edit the base between runs.
func copySweep(t *testing.T) (dir, file string) {
	t.Helper()
	dir = t.TempDir()
	for _, f := range []string{"sweep.toml", "base.toml"} {
		b, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, f), b, 0o644)
	}
	return dir, filepath.Join(dir, "sweep.toml")
}

// executedCopy runs a copy of testdata's sweep into dir/out.
func executedCopy(t *testing.T) (dir, file, out string, s *Sweep) {
	t.Helper()
	dir, file = copySweep(t)
	out = filepath.Join(dir, "out")
	s, err := Load(file, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Execute(context.Background(), out, Options{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	return dir, file, out, s
}

// TestStaleRunsRefused: editing the base scenario after a sweep ran used to
// leave every old run "already complete" (exit 0, old numbers), and merge
// mixed old and new runs. Now the rerun refuses, naming what changed, and
// merge refuses a run whose scenario is not the one the manifest lists.
func TestStaleRunsRefused(t *testing.T) {
	ctx := context.Background()
	dir, file, out, _ := executedCopy(t)
	base := filepath.Join(dir, "base.toml")
	b, _ := os.ReadFile(base)
	os.WriteFile(base, bytes.Replace(b, []byte("rates = [0.1, 0.3]"), []byte("rates = [0.6, 0.3]"), 1), 0o644)
	s2, err := Load(file, 0)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s2.Execute(ctx, out, Options{Workers: 2})
	if err == nil || !strings.Contains(err.Error(), "different scenario") || !strings.Contains(err.Error(), "planner.rates: [0.1 0.3] → [0.6 0.3]") || !strings.Contains(err.Error(), "start afresh") {
		t.Fatalf("rerun after editing the base: %+v, %v", rep, err)
	}
	if rep.Done != 0 {
		t.Errorf("%d runs were run into a folder of stale runs", rep.Done)
	}
	// Forge the mix: the new manifest, one run redone with the new base.
	os.WriteFile(filepath.Join(out, ManifestFile), nil, 0o644)
	os.Remove(filepath.Join(out, ManifestFile))
	if err := s2.writeManifest(out); err != nil {
		t.Fatal(err)
	}
	rd := RunDir(out, s2.Runs[0].ID)
	os.RemoveAll(rd)
	if _, err := s2.Execute(ctx, out, Options{Workers: 1}); err == nil {
		t.Fatal("execute accepted old runs under a new manifest")
	}
	if _, err := Merge([]string{out}); err == nil || !strings.Contains(err.Error(), "different scenario") {
		t.Fatalf("merge mixed old and new runs: %v", err)
	}
}

// TestMergeRefusesMissingMetric: a summary.json without a contract metric
// used to merge as 0.
func TestMergeRefusesMissingMetric(t *testing.T) {
	_, _, out, s := executedCopy(t)
	p := filepath.Join(RunDir(out, s.Runs[3].ID), "summary.json")
	b, _ := os.ReadFile(p)
	var doc map[string]any
	json.Unmarshal(b, &doc)
	delete(doc["final"].(map[string]any), "equality")
	b, _ = json.Marshal(doc)
	os.WriteFile(p, b, 0o644)
	if _, err := Merge([]string{out}); err == nil || !strings.Contains(err.Error(), "final.equality is missing") || !strings.Contains(err.Error(), s.Runs[3].ID) {
		t.Fatalf("got %v, want an error naming the run and final.equality", err)
	}
	// A null is NA, not 0.
	doc["final"].(map[string]any)["equality"] = nil
	b, _ = json.Marshal(doc)
	os.WriteFile(p, b, 0o644)
	m, err := Merge([]string{out})
	if err != nil {
		t.Fatal(err)
	}
	if x := m.Results[3].Final["equality"]; !math.IsNaN(x) {
		t.Errorf("a null read back as %v, want NaN (NA)", x)
	}
}

// TestSecondSweepProcessRefused: two processes on one folder (and shard)
// both ran everything; the second is now refused, naming the first.
func TestSecondSweepProcessRefused(t *testing.T) {
	dir, file := copySweep(t)
	out := filepath.Join(dir, "out")
	s, err := Load(file, 0)
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(out, 0o755)
	held, err := record.TryLock(filepath.Join(out, ".lock"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Execute(context.Background(), out, Options{Workers: 1})
	if err == nil || !strings.Contains(err.Error(), "in use by process") {
		t.Fatalf("second process: %v, want a refusal naming the holder", err)
	}
	// Another shard of the same folder is not blocked by it.
	rep, err := s.Execute(context.Background(), out, Options{Workers: 2, Shard: 1, Shards: 4})
	if err != nil || rep.Done != 6 {
		t.Fatalf("shard 1/4 beside the holder: %+v %v", rep, err)
	}
	held.Unlock()
}

// TestReplicateSeedIsSplitMix: replicate 0 of base seed 0 is the first
// SplitMix64 output from state 0 (0xe220a8397b1dcdaf), shifted right by 2.
func TestReplicateSeedIsSplitMix(t *testing.T) {
	if got, want := ReplicateSeed(0, 0), uint64(0xe220a8397b1dcdaf>>2); got != want {
		t.Errorf("ReplicateSeed(0, 0) = %#x, want %#x", got, want)
	}
	if got, want := ReplicateSeed(0, 1), uint64(0x6e789e6aa1b965f4>>2); got != want {
		t.Errorf("ReplicateSeed(0, 1) = %#x, want %#x", got, want)
	}
}

// TestAgentsCSVOptional: a sweep's runs skip agents.csv (about 1 MB a run
// at 10,000 workers) unless the sweep file sets agents_csv = true.
func TestAgentsCSVOptional(t *testing.T) {
	for _, on := range []bool{false, true} {
		dir, file := copySweep(t)
		if on {
			b, _ := os.ReadFile(file)
			os.WriteFile(file, append([]byte("agents_csv = true\n"), b...), 0o644)
		}
		s, err := Load(file, 0)
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "out")
		if _, err := s.Execute(context.Background(), out, Options{Workers: 2}); err != nil {
			t.Fatal(err)
		}
		_, err = os.Stat(filepath.Join(RunDir(out, s.Runs[0].ID), record.AgentsFile))
		if on != (err == nil) {
			t.Errorf("agents_csv = %v: agents.csv present = %v", on, err == nil)
		}
		if _, err := os.Stat(filepath.Join(RunDir(out, s.Runs[0].ID), record.SummaryFile)); err != nil {
			t.Errorf("agents_csv = %v: no summary.json: %v", on, err)
		}
	}
}

// An absolute base path is used as it is, not joined to the sweep file's
// folder.
func TestAbsoluteBase(t *testing.T) {
	base, err := filepath.Abs("testdata/base.toml")
	if err != nil {
		t.Fatal(err)
	}
	doc := "base = \"" + filepath.ToSlash(base) + "\"\nreplicates = 1\n[[variant]]\nname = \"a\"\nset = { \"rounds\" = 2 }\n"
	s, err := Parse(filepath.Join(t.TempDir(), "elsewhere.toml"), []byte(doc), 0)
	if err != nil {
		t.Fatalf("absolute base refused: %v", err)
	}
	if s.BasePath != base {
		t.Errorf("base path %q, want %q", s.BasePath, base)
	}
}
