package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/econsim/econsim/internal/llmtest"
	"github.com/econsim/econsim/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// repoRoot is where scenario paths in the README and docs/ are relative to.
const repoRoot = "../.."

// invoke runs the command in process and returns stdout, stderr and the exit code.
func invoke(t *testing.T, ctx context.Context, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(ctx, args, os.Getenv, &out, &errb)
	if err != nil {
		errb.WriteString("sim: " + err.Error() + "\n")
	}
	return out.String(), errb.String(), exitCode(err)
}

func scen(name string) string { return filepath.Join(repoRoot, "scenarios", name) }

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestRunWritesOutputs(t *testing.T) {
	dir := t.TempDir()
	out, errs, code := invoke(t, context.Background(), "run", scen("quickstart.toml"), "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"quickstart — 5000 agents", "productivity", "welfare_utilitarian", "agent-rounds/s", "11,600+ 12%"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errs, "round 20/20") {
		t.Errorf("no progress on stderr: %q", errs)
	}
	var sum map[string]any
	if err := json.Unmarshal(readFile(t, filepath.Join(dir, "summary.json")), &sum); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"name", "seed", "agents", "rounds", "final", "mean_last_period", "schedule", "perf"} {
		if _, ok := sum[k]; !ok {
			t.Errorf("summary.json lacks %q", k)
		}
	}
	rows := strings.Count(string(readFile(t, filepath.Join(dir, "rounds.csv"))), "\n")
	if rows != 21 {
		t.Errorf("rounds.csv has %d lines, want 21 (header + 20 rounds)", rows)
	}
	// A completed run is not overwritten silently.
	if _, _, code := invoke(t, context.Background(), "run", scen("quickstart.toml"), "--out", dir, "--quiet"); code != 2 {
		t.Errorf("rerun into a completed folder: exit %d, want 2", code)
	}
	if _, errs, code := invoke(t, context.Background(), "run", scen("quickstart.toml"), "--out", dir, "--quiet", "--force"); code != 0 {
		t.Errorf("--force: exit %d: %s", code, errs)
	}
}

// TestEveryScenarioRuns runs each example scenario to completion (the 10M
// benchmark is run by TestREADMECommands).
func TestEveryScenarioRuns(t *testing.T) {
	files, _ := filepath.Glob(scen("*.toml"))
	var mu sync.Mutex
	got := map[string]*outputPrint{}
	type run struct {
		name, file string
		set        []string // --set arguments
	}
	var runs []run
	for _, f := range files {
		if strings.Contains(f, "bench-10m") || strings.HasPrefix(filepath.Base(f), "sweep-") || strings.HasPrefix(filepath.Base(f), "calibrate-") {
			continue // the 10M benchmark and calibrations run in TestREADMECommands; sweeps in TestSweep*
		}
		r := run{name: filepath.Base(f), file: f}
		if r.name == "capital-tax-transition.toml" { // a transition per candidate: a short search here, the full one in TestREADMECommands
			r.set = []string{"--set", "planner.budget=3"}
		}
		runs = append(runs, r)
	}
	// Paths of the round no scenario takes: heuristic workers other than
	// rational ones, and a tax system's credit that reaches only some ages.
	for _, v := range []struct{ base, variant, set string }{
		{"quickstart.toml", "noisy", "agents.behavior=noisy"},
		{"quickstart.toml", "adaptive", "agents.behavior=adaptive"},
		{"us-2024.toml", "noisy", "agents.behavior=noisy"},
		{"us-2024.toml", "occupations", "population.skill.dist=us_occupations"},
	} {
		runs = append(runs, run{name: v.base + "+" + v.variant, file: scen(v.base), set: []string{"--set", v.set}})
	}
	for _, r := range runs {
		f := r.file
		t.Run(r.name, func(t *testing.T) {
			dir := t.TempDir()
			args := append([]string{"run", f, "--out", dir, "--quiet"}, r.set...)
			if strings.Contains(f, "llm") { // against the in-process test server
				t.Setenv("OPENAI_API_KEY", testKey)
				srv := llmtest.New(modelReply)
				defer srv.Close()
				args = append(args, llmArgs(srv, t.TempDir())...)
			}
			if _, errs, code := invoke(t, context.Background(), args...); code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			var sum struct {
				ConvergedRound *int `json:"converged_round"`
			}
			if err := json.Unmarshal(readFile(t, filepath.Join(dir, "summary.json")), &sum); err != nil || sum.ConvergedRound == nil {
				t.Errorf("summary.json lacks converged_round (%v)", err)
			}
			mu.Lock()
			got[r.name] = fingerprint(t, dir)
			mu.Unlock()
		})
	}
	checkOutputs(t, got)
}

func TestRunJSON(t *testing.T) {
	out, errs, code := invoke(t, context.Background(), "run", scen("flat-30.toml"), "--out", t.TempDir(), "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var sum struct {
		Final    map[string]float64 `json:"final"`
		Schedule struct{ Rates []float64 }
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("stdout is not only JSON: %v\n%s", err, out)
	}
	if sum.Final["rate_0"] != 0.3 || len(sum.Schedule.Rates) != 1 {
		t.Errorf("flat-30 summary: %+v", sum)
	}
	// Flat rate with a full rebate: gini_post = 0.7·gini_pre.
	if g, p := sum.Final["gini_post"], sum.Final["gini_pre"]; math.Abs(g-0.7*p) > 1e-12 {
		t.Errorf("gini_post %v, want 0.7 × %v", g, p)
	}
}

// TestDeterminism: the same scenario with 1 and 8 workers gives
// byte-identical rounds.csv, for rational and noisy workers; and a run of
// the written scenario.toml reproduces it.
func TestDeterminism(t *testing.T) {
	for _, extra := range [][]string{nil, {"--set", "agents.behavior=noisy", "--set", "population.agents=20000"}} {
		var csvs [][]byte
		var first string
		for _, w := range []string{"1", "8"} {
			dir := t.TempDir()
			args := append([]string{"run", scen("quickstart.toml"), "--out", dir, "--workers", w, "--quiet"}, extra...)
			if _, errs, code := invoke(t, context.Background(), args...); code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			csvs = append(csvs, readFile(t, filepath.Join(dir, "rounds.csv")))
			first = dir
		}
		if !bytes.Equal(csvs[0], csvs[1]) {
			t.Fatalf("rounds.csv differs between --workers 1 and 8 (%v)", extra)
		}
		again := t.TempDir()
		if _, errs, code := invoke(t, context.Background(), "run", filepath.Join(first, "scenario.toml"), "--out", again, "--quiet"); code != 0 {
			t.Fatalf("rerun of scenario.toml: exit %d: %s", code, errs)
		}
		if !bytes.Equal(csvs[0], readFile(t, filepath.Join(again, "rounds.csv"))) {
			t.Fatalf("the written scenario.toml does not reproduce rounds.csv (%v)", extra)
		}
	}
}

func TestBadScenariosExit2AndWriteNothing(t *testing.T) {
	cases := map[string]string{
		"malformed":     "rounds = 3\n[population\n",
		"unknown key":   "[population]\nagentz = 3\n",
		"wrong type":    "rounds = \"ten\"\n",
		"cutoffs":       "[tax]\ncutoffs = [0, 5, 2]\n[planner]\nkind = \"none\"\n",
		"rate bounds":   "[tax]\ncutoffs = [0]\n[planner]\nkind = \"flat\"\nrate = 2.0\n",
		"agents":        "[population]\nagents = 0\n",
		"elasticity":    "[utility]\nelasticity = -0.5\n",
		"nan":           "[population]\nhours_max = nan\n",
		"inf":           "[utility]\nkappa = inf\n",
		"negative rate": "[tax]\ncutoffs = [0]\n[planner]\nkind = \"flat\"\nrate = -0.1\n",
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "bad.toml")
			os.WriteFile(file, []byte(doc), 0o644)
			out := filepath.Join(dir, "out")
			_, errs, code := invoke(t, context.Background(), "run", file, "--out", out)
			if code != 2 {
				t.Errorf("exit %d, want 2: %s", code, errs)
			}
			if !strings.Contains(errs, file+":") {
				t.Errorf("message does not name the file: %s", errs)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("output folder was created for a bad scenario")
			}
			if _, _, code := invoke(t, context.Background(), "validate", file); code != 2 {
				t.Errorf("validate: exit %d, want 2", code)
			}
		})
	}
}

func TestUsage(t *testing.T) {
	t.Setenv("SIM_MEMORY_LIMIT", "8G")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{}, 2, "no command"},
		{[]string{"bogus"}, 2, "unknown command"},
		{[]string{"version"}, 0, "sim " + Version},
		{[]string{"--help"}, 0, "Usage:"},
		{[]string{"run", "--help"}, 0, "--workers"},
		{[]string{"validate", "--help"}, 0, "--print"},
		{[]string{"report", "--help"}, 0, "report.html"},
		{[]string{"report"}, 2, "one run or sweep folder"},
		{[]string{"report", "no-such-folder"}, 1, "no completed run"},
		{[]string{"sweep", "--help"}, 0, "SLURM_ARRAY_TASK_ID"},
		{[]string{"merge", "--help"}, 0, "results.parquet"},
		{[]string{"compare", "--help"}, 0, "Pareto front"},
		{[]string{"pareto", "--help"}, 0, "front.csv"},
		{[]string{"run"}, 2, "one scenario file"},
		{[]string{"run", scen("quickstart.toml"), "--workers", "0"}, 2, "--workers"},
		{[]string{"run", scen("quickstart.toml"), "--nope"}, 2, "flag provided but not defined"},
		{[]string{"run", scen("quickstart.toml"), "--set", "population.agnts=5"}, 2, "did you mean population.agents"},
		{[]string{"run", "missing.toml"}, 2, "missing.toml: cannot read the scenario: no such file"},
		{[]string{"run", repoRoot}, 2, "is a directory"},
		{[]string{"validate", scen("quickstart.toml"), "--set", ".="}, 2, "malformed key"},
		{[]string{"run", scen("quickstart.toml"), "--set", " . =1"}, 2, "malformed key"},
		{[]string{"run", scen("quickstart.toml"), "--set", "seed=-1"}, 2, "seed: want a non-negative integer"},
		// 1e9 × 64 bytes + 64 MiB = 59.67 GiB
		{[]string{"validate", scen("quickstart.toml"), "--set", "population.agents=1000000000"}, 2, "needs about 59.7 GiB of memory, more than this machine's 8.0 GiB (SIM_MEMORY_LIMIT)"},
		{[]string{"run", scen("quickstart.toml"), "--set", "population.agents=1000000000"}, 2, "population.agents: a run of 1000000000 workers"},
		{[]string{"validate", scen("flat-30.toml")}, 0, "one bracket (a flat tax)"},
		{[]string{"run", "--help"}, 0, "agents.csv"},
		{[]string{"validate", scen("quickstart.toml")}, 0, "ok — 5000 agents"},
		{[]string{"validate", scen("quickstart.toml"), "--print"}, 0, "cutoffs = [0.0, 11600.0"},
	} {
		out, errs, code := invoke(t, context.Background(), c.args...)
		if code != c.code || !strings.Contains(out+errs, c.want) {
			t.Errorf("sim %v: exit %d (want %d), output lacks %q?\n%s%s", c.args, code, c.code, c.want, out, errs)
		}
	}
}

// TestInterruptKeepsRounds: a cancelled run keeps the rounds it finished and
// writes no summary.json.
func TestInterruptKeepsRounds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	_, errs, code := invoke(t, ctx, "run", scen("quickstart.toml"), "--out", dir, "--quiet")
	if code != 1 || !strings.Contains(errs, "stopped after 0 of 20 rounds") {
		t.Errorf("exit %d: %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "summary.json")); !os.IsNotExist(err) {
		t.Error("summary.json written for an interrupted run")
	}
	if b := readFile(t, filepath.Join(dir, "rounds.csv")); !bytes.HasPrefix(b, []byte("round,productivity")) {
		t.Errorf("rounds.csv lost its header: %q", b)
	}
}

// TestGoldenSummary guards the quickstart's metrics against unintended
// change. The golden file is refreshed with `go test ./cmd/sim -update`;
// the values themselves are validated against theory by the sim, agents and
// welfare tests.
func TestGoldenSummary(t *testing.T) {
	out, errs, code := invoke(t, context.Background(), "run", scen("quickstart.toml"), "--out", t.TempDir(), "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got struct {
		Final          map[string]float64 `json:"final"`
		MeanLastPeriod map[string]float64 `json:"mean_last_period"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "quickstart.summary.golden.json")
	if *update {
		b, _ := json.MarshalIndent(got, "", "  ")
		if err := os.WriteFile(golden, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var want struct {
		Final          map[string]float64 `json:"final"`
		MeanLastPeriod map[string]float64 `json:"mean_last_period"`
	}
	if err := json.Unmarshal(readFile(t, golden), &want); err != nil {
		t.Fatal(err)
	}
	if len(want.Final) == 0 || len(got.Final) != len(want.Final) {
		t.Fatalf("got %d final metrics, golden has %d", len(got.Final), len(want.Final))
	}
	for _, pair := range []struct{ got, want map[string]float64 }{{got.Final, want.Final}, {got.MeanLastPeriod, want.MeanLastPeriod}} {
		for k, w := range pair.want {
			if g := pair.got[k]; math.Abs(g-w) > 1e-9*math.Max(1, math.Abs(w)) {
				t.Errorf("%s = %.17g, golden %.17g", k, g, w)
			}
		}
	}
}

// TestREADMECommands runs every `go run ./cmd/sim …` line of README.md and docs/*.md in
// process (with --out in a temporary folder), so the README cannot rot.
func TestREADMECommands(t *testing.T) {
	cmds, sawTest := docCommands(t, filepath.Join(repoRoot, "README.md"))
	if !sawTest || len(cmds) == 0 {
		t.Fatalf("README lacks the test command or sim commands (found %d)", len(cmds))
	}
	pages, _ := filepath.Glob(filepath.Join(repoRoot, "docs", "*.md"))
	for _, p := range pages {
		more, _ := docCommands(t, p)
		cmds = append(cmds, more...)
	}
	// one fresh folder, as a new user's clone: the scenarios, and results/
	// written as the commands go
	dir := t.TempDir()
	scenarios, _ := filepath.Abs(filepath.Join(repoRoot, "scenarios"))
	if err := os.Symlink(scenarios, filepath.Join(dir, "scenarios")); err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	t.Cleanup(func() { os.Chdir(wd) })
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	for _, c := range cmds {
		args := c.args
		if !testenv.Long() && (c.long || strings.Contains(strings.Join(args, " "), "bench-10m")) {
			continue
		}
		if args[0] == "run" || args[0] == "sweep" {
			args = append(args, "--quiet")
		}
		_, errs, code := invoke(t, context.Background(), args...)
		if code != c.exit {
			t.Errorf("%s: `sim %s`: exit %d, want %d: %s", c.page, strings.Join(args, " "), code, c.exit, errs)
		}
	}
}

// docCommand is a `go run ./cmd/sim …` line of a page, with the exit status
// a trailing `# exit N` gives it (0 without one); a trailing `# long: …`
// marks a command of many seconds, run with the long validation.
type docCommand struct {
	page string
	args []string
	exit int
	long bool
}

// docCommands returns the sim commands of the page at path, and whether it
// shows the test command.
func docCommands(t *testing.T, path string) ([]docCommand, bool) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cmds []docCommand
	sawTest := false
	for line := range strings.Lines(string(b)) {
		line = strings.TrimSpace(line)
		if line == "go test ./..." {
			sawTest = true
		}
		rest, ok := strings.CutPrefix(line, "go run ./cmd/sim ")
		if !ok {
			continue
		}
		c := docCommand{page: filepath.Base(path)}
		if i := strings.Index(rest, " #"); i >= 0 {
			comment := strings.TrimSpace(rest[i+2:])
			fmt.Sscanf(comment, "exit %d", &c.exit)
			c.long = strings.HasPrefix(comment, "long")
			rest = rest[:i]
		}
		c.args = shellFields(rest)
		cmds = append(cmds, c)
	}
	return cmds, sawTest
}

// shellFields splits a command line on spaces, keeping "quoted" or
// 'quoted' phrases together (without the quotes), as a shell would for
// these examples.
func shellFields(s string) []string {
	var out []string
	var cur strings.Builder
	var quote rune
	have := false
	for _, r := range s {
		switch {
		case quote == 0 && (r == '"' || r == '\''):
			quote, have = r, true
		case r == quote:
			quote = 0
		case r == ' ' && quote == 0:
			if have {
				out = append(out, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteRune(r)
			have = true
		}
	}
	if have {
		out = append(out, cur.String())
	}
	return out
}

// TestPrintShowsRealValues: validate --print writes no budget for planners
// without one (it printed budget = 0) and the real default for search; the
// summary's last line names every file written, agents.csv included.
func TestPrintShowsRealValues(t *testing.T) {
	out, _, code := invoke(t, context.Background(), "validate", scen("flat-30.toml"), "--print")
	if code != 0 || strings.Contains(out, "budget") {
		t.Errorf("flat-30 --print (exit %d) shows a budget:\n%s", code, out)
	}
	out, _, _ = invoke(t, context.Background(), "validate", scen("flat-30.toml"), "--print", "--set", "planner.kind=search")
	if !strings.Contains(out, "budget = 400") {
		t.Errorf("search --print lacks budget = 400:\n%s", out)
	}
	out, _, _ = invoke(t, context.Background(), "run", scen("flat-30.toml"), "--out", t.TempDir(), "--quiet", "--set", "rounds=2")
	if !strings.Contains(out, "{scenario.toml, rounds.csv, agents.csv, summary.json}") {
		t.Errorf("the summary's last line does not name agents.csv:\n%s", out)
	}
}

func TestVersionString(t *testing.T) {
	old := commit
	defer func() { commit = old }()
	commit = "0123456789abcdef+dirty"
	if got := versionString(); got != "sim "+Version+" (commit 0123456789ab+dirty)" {
		t.Errorf("got %q", got)
	}
	commit = "abc"
	if got := versionString(); got != "sim "+Version+" (commit abc)" {
		t.Errorf("got %q", got)
	}
}

func TestPermissionHint(t *testing.T) {
	err := permissionHint(&os.PathError{Op: "mkdir", Path: "/results/x", Err: os.ErrPermission})
	if !strings.Contains(err.Error(), "mkdir /results/x: permission denied (this process runs as uid") {
		t.Errorf("got %v", err)
	}
	if e := errors.New("other"); permissionHint(e) != e {
		t.Error("another error was changed")
	}
}

// Under a tax system the printed summary says that the schedule shown is the
// income tax within it; without one it says nothing of the kind.
func TestSummaryNamesTheSystem(t *testing.T) {
	ctx := context.Background()
	out, errs, code := invoke(t, ctx, "run", scen("us-2024.toml"), "--set", "rounds=1", "--set", "population.agents=300", "--out", filepath.Join(t.TempDir(), "us"))
	if code != 0 || !strings.Contains(out, "the income tax on taxable income, within us_2024_single") {
		t.Errorf("exit %d; summary:\n%s\n%s", code, out, errs)
	}
	out, _, code = invoke(t, ctx, "run", scen("quickstart.toml"), "--set", "rounds=1", "--set", "population.agents=300", "--out", filepath.Join(t.TempDir(), "q"))
	if code != 0 || strings.Contains(out, "taxable income") {
		t.Errorf("exit %d; the quickstart's summary mentions a system:\n%s", code, out)
	}
}

// TestInterruptLongSolves: a signal stops the computations before round 0
// within a second: the households' stationary solve on a fine grid (over
// a minute to finish) and the calibration of a large US population. The
// bound is two seconds, for a shared machine.
func TestInterruptLongSolves(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
	}{
		{"households", []string{"run", scen("aiyagari.toml"), "--set", "agents.grid_points=100000"}},
		{"calibration", []string{"run", scen("us-2024.toml"), "--set", "population.agents=5000000"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			dir := t.TempDir()
			signalled := make(chan time.Time, 1)
			time.AfterFunc(300*time.Millisecond, func() { signalled <- time.Now(); cancel() })
			_, errs, code := invoke(t, ctx, append(c.args, "--out", dir, "--quiet")...)
			if el := time.Since(<-signalled); el > 2*time.Second {
				t.Errorf("stopped %v after the signal", el)
			}
			if code != 1 || !strings.Contains(errs, "context canceled") {
				t.Errorf("exit %d: %s", code, errs)
			}
			if _, err := os.Stat(filepath.Join(dir, "summary.json")); !os.IsNotExist(err) {
				t.Error("summary.json written for an interrupted run")
			}
		})
	}
}

// TestSummaryReadable: the printed summary names each quantity with its
// unit beside the metric, in one value column when the last round and the
// last period agree; households that save get r, the wage, capital, the
// wealth Gini and the equilibrium's Euler error; the schedule line names
// the tax the instrument sets, not an income tax.
func TestSummaryReadable(t *testing.T) {
	out, errs, code := invoke(t, context.Background(), "run", scen("quickstart.toml"), "--out", t.TempDir(), "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"income tax: 0+ 10% · 11,600+ 12%", "quantity", "mean pre-tax income, a year", "productivity", "average tax rate (revenue / income)"} {
		if !strings.Contains(out, want) {
			t.Errorf("quickstart summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "mean over the last tax period") {
		t.Errorf("two value columns where the run is constant:\n%s", out)
	}
	out, errs, code = invoke(t, context.Background(), "run", scen("aiyagari.toml"), "--out", t.TempDir(), "--quiet",
		"--set", "population.agents=2000", "--set", "rounds=3", "--set", "planner.kind=flat", "--set", "planner.rate=0.01",
		"--set", "planner.instrument=wealth_rate", "--set", "tax.rate_max=0.5")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"wealth tax: 1% a year of wealth above 0", "interest rate r", "wage per efficiency unit",
		"capital per household (mean wealth)", "wealth Gini", "wealth share of the richest 10%", "stationary equilibrium before round 0: r ", "Euler error 10^-"} {
		if !strings.Contains(out, want) {
			t.Errorf("savers' summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "income tax:") {
		t.Errorf("a wealth tax described as an income tax:\n%s", out)
	}
}
