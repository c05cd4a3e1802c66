package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/econsim/econsim/sim/record"
	"github.com/econsim/econsim/sim/scenario"
)

// fuzzBases are the scenarios FuzzTinyScenarios edits: workers, the US
// calibration, households that save, a reform, the production economy and
// an optimising planner.
var fuzzBases = []string{"quickstart.toml", "us-2024.toml", "aiyagari.toml", "wealth-tax.toml", "production.toml", "saez.toml", "search-rawls.toml"}

// fuzzValues are the values the fuzzer mostly tries: edges, extremes,
// nonsense and the types of every key (the fuzzer's own text is tried too).
var fuzzValues = []string{"0", "1", "-1", "0.5", "2", "3", "7", "10", "0.01", "0.999", "1e300", "-1e300", "1e-300", "5e-324",
	"nan", "inf", "-inf", `""`, `"x"`, "[0]", "[0, 0.5]", "[0, 1e300]", "[]", "[1, -1]", "true", "false",
	`"markov"`, `"ar1"`, `"saver"`, `"noisy"`, `"search"`, `"wealth_rate"`, `"capital_rate"`, `"production"`, `"llm"`}

// fuzzDeadline is how long one tiny run may take; a run still going this
// long after its context ends has hung.
const (
	fuzzDeadline = 5 * time.Second
	fuzzGrace    = 2 * time.Second
)

// FuzzTinyScenarios runs tiny scenarios (40 agents, 2 rounds, a coarse
// grid) with two keys set to values the fuzzer picks, each under a
// deadline: a run must never hang past its context, never panic, and never
// exit 0 with a non-finite number in rounds.csv or summary.json's metrics.
// Run it with: go test ./cmd/sim -run '^$' -fuzz FuzzTinyScenarios -fuzztime 10m
func FuzzTinyScenarios(f *testing.F) {
	keys := fuzzKeys()
	f.Add(uint8(0), uint16(0), uint8(0), "", uint16(1), uint8(1), "")
	for i := range fuzzBases {
		for j := range 4 {
			f.Add(uint8(i), uint16(3*i+7*j), uint8(5*j+i), "", uint16(11*j+i), uint8(3*i+j), "")
		}
	}
	f.Add(uint8(1), uint16(0), uint8(0), "0.01", uint16(0), uint8(0), "")
	f.Fuzz(func(t *testing.T, base uint8, k1 uint16, v1 uint8, raw1 string, k2 uint16, v2 uint8, raw2 string) {
		set := func(k uint16, v uint8, raw string) string {
			val := raw
			if raw == "" || strings.ContainsAny(raw, "\n\r") {
				val = fuzzValues[int(v)%len(fuzzValues)]
			}
			return keys[int(k)%len(keys)] + "=" + val
		}
		dir := t.TempDir()
		args := []string{"run", scen(fuzzBases[int(base)%len(fuzzBases)]), "--out", filepath.Join(dir, "out"), "--quiet", "--workers", "2",
			"--set", "population.agents=40", "--set", "rounds=2", "--set", "tax.period=1",
			"--set", set(k1, v1, raw1), "--set", set(k2, v2, raw2)}
		if b := int(base) % len(fuzzBases); b == 2 || b == 3 { // households: a coarse grid keeps each run short
			args = append(args, "--set", "agents.grid_points=60")
		}
		ctx, cancel := context.WithTimeout(context.Background(), fuzzDeadline)
		defer cancel()
		env := func(k string) string {
			if k == "SIM_MEMORY_LIMIT" {
				return "1G"
			}
			return ""
		}
		done := make(chan error, 1)
		var out, errb bytes.Buffer
		go func() { done <- run(ctx, args, env, &out, &errb) }()
		var err error
		select {
		case err = <-done:
		case <-time.After(fuzzDeadline + fuzzGrace):
			t.Fatalf("still running %v after its deadline: %q", fuzzGrace, args)
		}
		if err != nil {
			return // an error is an answer; its status is checked elsewhere
		}
		checkFinite(t, args, filepath.Join(dir, "out"))
	})
}

// fuzzKeys are the scenario's keys the fuzzer sets: all but the LLM's
// (no endpoint here) and the output's.
func fuzzKeys() []string {
	var keys []string
	for _, k := range scenario.Keys() {
		if !strings.HasPrefix(k, "llm.") && !strings.HasPrefix(k, "output.") && k != "name" {
			keys = append(keys, k)
		}
	}
	return keys
}

// notComputed is the one metric documented as NaN where it is not
// computed (a planner that knows no Stackelberg gap).
const notComputed = "stackelberg_gap"

// checkFinite fails when a completed run wrote a non-finite metric.
func checkFinite(t *testing.T, args []string, dir string) {
	t.Helper()
	rounds, err := os.ReadFile(filepath.Join(dir, "rounds.csv"))
	if err != nil {
		t.Fatalf("%q: exit 0 without rounds.csv: %v", args, err)
	}
	rows, err := csv.NewReader(bytes.NewReader(rounds)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("%q: exit 0 with rounds.csv unreadable or empty (%v):\n%s", args, err, rounds)
	}
	for _, row := range rows[1:] {
		for j, cell := range row {
			x, err := strconv.ParseFloat(cell, 64)
			if rows[0][j] != notComputed && (err != nil || math.IsNaN(x) || math.IsInf(x, 0)) {
				t.Fatalf("%q: exit 0 with %s = %q in rounds.csv", args, rows[0][j], cell)
			}
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatalf("%q: exit 0 without summary.json: %v", args, err)
	}
	var sum record.Summary
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatalf("%q: summary.json: %v", args, err)
	}
	for name, x := range sum.Final {
		if name != notComputed && (math.IsNaN(float64(x)) || math.IsInf(float64(x), 0)) {
			t.Fatalf("%q: exit 0 with final.%s = %v", args, name, x)
		}
	}
}
