package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sweepDoc = `name = "t"
base = "base.toml"
replicates = 3
[grid]
"utility.elasticity" = [0.3, 0.6]
[[variant]]
name = "none"
set = { "planner.kind" = "none" }
[[variant]]
name = "flat"
set = { "planner.kind" = "flat", "planner.rate" = 0.3, "tax.cutoffs" = [0.0] }
`

func sweepFiles(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "base.toml"), []byte("rounds = 3\n[population]\nagents = 200\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "sweep.toml"), []byte(sweepDoc), 0o644)
	return filepath.Join(dir, "sweep.toml")
}

// TestSweepMergeCompare: a sweep in two shards (as Slurm array tasks, from
// the environment), merged, equals the unsharded sweep; compare prints
// every format.
func TestSweepMergeCompare(t *testing.T) {
	file := sweepFiles(t)
	ctx := context.Background()
	whole := t.TempDir()
	if out, errs, code := invoke(t, ctx, "sweep", file, "--out", whole, "--quiet"); code != 0 || !strings.Contains(out, "12 runs done") {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	if out, _, code := invoke(t, ctx, "sweep", file, "--out", whole, "--quiet"); code != 0 || !strings.Contains(out, "12 already complete") {
		t.Errorf("rerun did not skip the complete runs: %s", out)
	}
	shards := []string{t.TempDir(), t.TempDir()}
	for k, d := range shards {
		t.Setenv("SLURM_ARRAY_TASK_ID", []string{"1", "2"}[k]) // --array=1-2
		t.Setenv("SLURM_ARRAY_TASK_MIN", "1")
		t.Setenv("SLURM_ARRAY_TASK_COUNT", "2")
		if out, errs, code := invoke(t, ctx, "sweep", file, "--out", d, "--quiet"); code != 0 || !strings.Contains(out, "6 runs done") {
			t.Fatalf("shard %d: exit %d: %s%s", k, code, out, errs)
		}
	}
	t.Setenv("SLURM_ARRAY_TASK_ID", "")
	if _, errs, code := invoke(t, ctx, "merge", whole); code != 0 {
		t.Fatalf("merge whole: %s", errs)
	}
	merged := t.TempDir()
	if _, errs, code := invoke(t, ctx, "merge", shards[0], shards[1], "--out", merged); code != 0 {
		t.Fatalf("merge shards: %s", errs)
	}
	if !bytes.Equal(readFile(t, filepath.Join(whole, "results.csv")), readFile(t, filepath.Join(merged, "results.csv"))) {
		t.Error("merged shards differ from the whole sweep")
	}
	if b := readFile(t, filepath.Join(merged, "results.parquet")); !bytes.HasPrefix(b, []byte("PAR1")) {
		t.Error("results.parquet is not a parquet file")
	}
	// One shard alone: the other's runs are missing.
	if _, errs, code := invoke(t, ctx, "merge", shards[0], "--out", t.TempDir()); code != 1 || strings.Count(errs, "missing: ") != 6 {
		t.Errorf("merge of one shard: exit %d, %s", code, errs)
	}
	// By default the groups are every key that varies (variant × elasticity),
	// so that each group's runs differ only in their seeds.
	for _, format := range []string{"table", "md", "csv", "json"} {
		out, errs, code := invoke(t, ctx, "compare", whole, "--format", format, "--baseline", "none · 0.3")
		if code != 0 || !strings.Contains(out, "flat · 0.6") {
			t.Errorf("compare --format %s: exit %d %s%s", format, code, out, errs)
		}
		if format == "json" {
			var c struct{ Rows []struct{ Group string } }
			if err := json.Unmarshal([]byte(out), &c); err != nil || len(c.Rows) != 24 {
				t.Errorf("json: %v, %d rows (want 4 groups × 6 metrics)", err, len(c.Rows))
			}
		}
	}
	out, _, code := invoke(t, ctx, "compare", whole, "--by", "variant,utility.elasticity", "--metrics", "productivity")
	if code != 0 || !strings.Contains(out, "none · 0.3") || !strings.Contains(out, "flat · 0.6") {
		t.Errorf("compare --by two keys: %s", out)
	}
	// One key alone would pool runs that differ in the other: refused,
	// naming it.
	for by, other := range map[string]string{"utility.elasticity": "variant", "variant": "utility.elasticity"} {
		_, errs, code := invoke(t, ctx, "compare", whole, "--by", by)
		if code != 2 || !strings.Contains(errs, "differ in "+other+" as well as in their seeds") {
			t.Errorf("compare --by %s: exit %d %s", by, code, errs)
		}
	}
	for _, bad := range [][]string{
		{"compare", whole, "--by", "planner.kind"},
		{"compare", whole, "--baseline", "nobody"},
		{"compare", whole, "--metrics", "happiness"},
		{"compare", whole, "--format", "xml"},
		{"sweep", file, "--shard", "2/2"},
	} {
		if _, _, code := invoke(t, ctx, bad...); code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
}

func TestBadSweepExit2(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "base.toml"), []byte("rounds = 2\n"), 0o644)
	for _, doc := range []string{"replicates = 2\n", "base = \"base.toml\"\n[grid]\n\"population.agents\" = [-1]\n", "base = \"base.toml\"\nbogus = 1\n"} {
		f := filepath.Join(dir, "s.toml")
		os.WriteFile(f, []byte(doc), 0o644)
		if _, errs, code := invoke(t, context.Background(), "sweep", f, "--out", filepath.Join(dir, "out")); code != 2 {
			t.Errorf("%q: exit %d: %s", doc, code, errs)
		}
	}
	// A sweep file given to run says so.
	f := filepath.Join(dir, "s.toml")
	os.WriteFile(f, []byte("base = \"base.toml\"\nreplicates = 2\n"), 0o644)
	if _, errs, code := invoke(t, context.Background(), "run", f); code != 2 || !strings.Contains(errs, "sim sweep") {
		t.Errorf("run of a sweep file: exit %d: %s", code, errs)
	}
}

func TestShardOf(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, c := range []struct {
		flag  string
		count int
		env   map[string]string
		k, n  int
		bad   bool
	}{
		{"", 0, nil, 0, 1, false},
		{"1/4", 0, nil, 1, 4, false},
		{"4/4", 0, nil, 0, 0, true},
		{"x", 0, nil, 0, 0, true},
		{"", 0, map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4"}, 3, 4, false},
		{"", 0, map[string]string{"SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_MIN": "2", "SLURM_ARRAY_TASK_COUNT": "4"}, 3, 4, false},
		{"", 0, map[string]string{"SLURM_ARRAY_TASK_ID": "3"}, 0, 0, true},
		{"", 0, map[string]string{"JOB_COMPLETION_INDEX": "2", "SHARD_COUNT": "5"}, 2, 5, false},
		{"", 3, map[string]string{"JOB_COMPLETION_INDEX": "2"}, 2, 3, false},
		{"", 0, map[string]string{"JOB_COMPLETION_INDEX": "2"}, 0, 0, true},
		{"0/2", 0, map[string]string{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "2"}, 0, 2, false},
	} {
		k, n, err := shardOf(c.flag, c.count, env(c.env))
		if (err != nil) != c.bad || (!c.bad && (k != c.k || n != c.n)) {
			t.Errorf("%+v: got %d/%d, %v", c, k, n, err)
		}
	}
}

// TestPareto: the command writes the front of a small scenario in both
// modes; bad objectives are usage errors.
func TestPareto(t *testing.T) {
	out := t.TempDir()
	stdout, errs, code := invoke(t, context.Background(), "pareto", scen("pareto.toml"), "--mode", "both", "--out", out,
		"--set", "population.agents=500", "--set", "tax.cutoffs=[0, 30000, 90000]", "--points", "7", "--budget", "60")
	if code != 0 || !strings.Contains(stdout, "exact:") || !strings.Contains(stdout, "amortised:") {
		t.Fatalf("exit %d: %s%s", code, stdout, errs)
	}
	for _, f := range []string{"front.csv", "front.json", "front.png", "front.svg"} {
		if b, err := os.ReadFile(filepath.Join(out, f)); err != nil || len(b) < 100 {
			t.Errorf("%s missing or empty", f)
		}
	}
	var fj struct {
		Results []struct {
			Mode  string `json:"mode"`
			Evals int    `json:"true_evaluations"`
		} `json:"results"`
		References []struct{ Name string } `json:"references"`
	}
	json.Unmarshal(readFile(t, filepath.Join(out, "front.json")), &fj)
	if len(fj.Results) != 2 || fj.Results[1].Evals >= fj.Results[0].Evals || len(fj.References) != 2 {
		t.Errorf("front.json: %+v (want exact then cheaper amortised; free market and Saez on 3 brackets)", fj)
	}
	// A folder holding a front is not overwritten without --force.
	again := []string{"pareto", scen("pareto.toml"), "--mode", "amortised", "--out", out, "--set", "population.agents=200", "--points", "3"}
	if _, errs, code := invoke(t, context.Background(), again...); code != 2 || !strings.Contains(errs, "holds a front") {
		t.Errorf("rerun into a front's folder: exit %d: %s", code, errs)
	}
	if _, errs, code := invoke(t, context.Background(), append(again, "--force")...); code != 0 {
		t.Errorf("--force: exit %d: %s", code, errs)
	}
	for _, bad := range [][]string{{"--objectives", "equality"}, {"--objectives", "equality,joy"}, {"--mode", "magic"}} {
		if _, _, code := invoke(t, context.Background(), append([]string{"pareto", scen("pareto.toml"), "--out", t.TempDir()}, bad...)...); code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
}

// TestSweepFailurePrintsCause: a failed run's error is printed, not only
// the name of its error.txt (which a full disk may have kept from being
// written); and a stale sweep folder is refused with what changed.
func TestSweepFailurePrintsCause(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "base.toml"), []byte("rounds = 2\n[population]\nagents = 50\n"), 0o644)
	f := filepath.Join(dir, "s.toml")
	os.WriteFile(f, []byte("base = \"base.toml\"\n[grid]\n\"population.skill.mu\" = [3.0, 700.0]\n"), 0o644)
	out := filepath.Join(dir, "out")
	_, errs, code := invoke(t, context.Background(), "sweep", f, "--out", out, "--quiet")
	if code != 1 || !strings.Contains(errs, "1 of 2 runs failed") || !strings.Contains(errs, "metric productivity is +Inf") {
		t.Fatalf("exit %d, want 1 with the cause:\n%s", code, errs)
	}
	// Edit the base: the rerun refuses to mix old runs with new ones.
	os.WriteFile(filepath.Join(dir, "base.toml"), []byte("rounds = 3\n[population]\nagents = 50\n"), 0o644)
	_, errs, code = invoke(t, context.Background(), "sweep", f, "--out", out, "--quiet")
	if code != 1 || !strings.Contains(errs, "rounds: 2 → 3") || !strings.Contains(errs, "start afresh") {
		t.Fatalf("stale rerun: exit %d:\n%s", code, errs)
	}
}

// TestSweepReformMetrics: a sweep over seeds of a foreseen reform merges
// its reform_* metrics (one per run), which compare reads across seeds;
// runs under adaptive expectations have them NA.
func TestSweepReformMetrics(t *testing.T) {
	if testing.Short() {
		t.Skip("solves transitions")
	}
	dir := t.TempDir()
	base := "rounds = 4\n[population]\nagents = 500\n[agents]\nbehavior = \"saver\"\ngrid_points = 100\n[tax]\ncutoffs = [0]\nperiod = 2\n" +
		"[planner]\nkind = \"fixed\"\ninstrument = \"wealth_rate\"\nrates = [0]\nswitch_round = 2\nafter = [0.01]\n[market]\nkind = \"production\"\nalpha = 0.36\ndepreciation = 0.08\n"
	doc := "name = \"r\"\nbase = \"base.toml\"\nreplicates = 2\n[[variant]]\nname = \"foresight\"\nset = {}\n[[variant]]\nname = \"adaptive\"\nset = { \"agents.expectations\" = \"adaptive\" }\n"
	os.WriteFile(filepath.Join(dir, "base.toml"), []byte(base), 0o644)
	os.WriteFile(filepath.Join(dir, "sweep.toml"), []byte(doc), 0o644)
	ctx := context.Background()
	out := t.TempDir()
	if o, errs, code := invoke(t, ctx, "sweep", filepath.Join(dir, "sweep.toml"), "--out", out, "--quiet"); code != 0 {
		t.Fatalf("exit %d: %s%s", code, o, errs)
	}
	if _, errs, code := invoke(t, ctx, "merge", out); code != 0 {
		t.Fatalf("merge: %s", errs)
	}
	res, errs, code := invoke(t, ctx, "compare", out, "--metrics", "reform_mean_cev,reform_share_gaining", "--baseline", "foresight", "--format", "csv")
	if code != 0 {
		t.Fatalf("compare: exit %d: %s", code, errs)
	}
	for _, want := range []string{"foresight,reform_mean_cev,2,0,", "adaptive,reform_mean_cev,0,2,"} {
		if !strings.Contains(res, want) {
			t.Errorf("compare lacks %q:\n%s", want, res)
		}
	}
}
