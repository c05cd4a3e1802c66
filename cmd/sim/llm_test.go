package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/econsim/econsim/internal/llmtest"
)

const testKey = "sk-econsim-TEST-KEY-do-not-leak-0123456789"

var (
	wageRe  = regexp.MustCompile(`You earn \$([0-9.]+) an hour`)
	ratesRe = regexp.MustCompile(`\[(\d+) marginal rates`)
)

// modelReply plays a language model: a worker earning $w an hour answers
// 1500 + 20·w hours; a planner answers 0.2 for every bracket.
func modelReply(r llmtest.Request) llmtest.Response {
	sys := r.Messages[0].Content
	if m := ratesRe.FindStringSubmatch(sys); m != nil {
		k, _ := strconv.Atoi(m[1])
		rates := strings.TrimSuffix(strings.Repeat("0.2, ", k), ", ")
		return llmtest.Response{Content: fmt.Sprintf(`{"rates": [%s]}`, rates)}
	}
	w, _ := strconv.ParseFloat(wageRe.FindStringSubmatch(sys)[1], 64)
	return llmtest.Response{Content: fmt.Sprintf(`{"hours": %.0f, "reason": "enough"}`, min(1500+20*w, 4000))}
}

// llmArgs points an LLM scenario at the test server, with its own cache.
func llmArgs(srv *llmtest.Server, cache string) []string {
	return []string{"--set", "llm.base_url=" + srv.BaseURL(), "--set", "llm.cache=" + cache, "--quiet"}
}

type llmSummary struct {
	RoundsDone int    `json:"rounds_completed"`
	StopReason string `json:"stop_reason"`
	LLM        struct {
		Calls     int64   `json:"calls"`
		CacheHits int64   `json:"cache_hits"`
		Requests  int64   `json:"requests"`
		Retries   int64   `json:"retries"`
		Fallbacks int64   `json:"fallbacks"`
		TokensIn  int64   `json:"tokens_in"`
		Cost      float64 `json:"cost"`
	} `json:"llm"`
}

func readSummary(t *testing.T, dir string) llmSummary {
	t.Helper()
	var s llmSummary
	if err := json.Unmarshal(readFile(t, filepath.Join(dir, "summary.json")), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestLLMRunAndReplay: an LLM scenario runs against the test server, costs
// archetypes × rounds calls, and replays offline from its cache to a
// byte-identical rounds.csv. The API key appears in no output.
func TestLLMRunAndReplay(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", testKey)
	srv := llmtest.New(modelReply)
	defer srv.Close()
	cache, out1, out2 := t.TempDir(), t.TempDir(), t.TempDir()
	stdout, errs, code := invoke(t, context.Background(), append([]string{"run", scen("llm-quickstart.toml"), "--out", out1}, llmArgs(srv, cache)...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	s := readSummary(t, out1)
	if s.LLM.Calls != 5*32 || s.LLM.Fallbacks != 0 || s.LLM.CacheHits != 0 || s.LLM.Cost <= 0 {
		t.Errorf("llm usage %+v, want 160 calls (32 archetypes × 5 rounds), no fallbacks, a cost", s.LLM)
	}
	if !srv.SawAuth("Bearer " + testKey) {
		t.Error("the key was not sent")
	}
	// Replay: no key, no network (the base URL points nowhere), same bytes.
	t.Setenv("OPENAI_API_KEY", "")
	_, errs, code = invoke(t, context.Background(), "run", scen("llm-quickstart.toml"), "--out", out2, "--quiet",
		"--set", "llm.base_url=http://127.0.0.1:1/v1", "--set", "llm.cache="+cache, "--set", "llm.cache_mode=replay")
	if code != 0 {
		t.Fatalf("replay: exit %d: %s", code, errs)
	}
	if a, b := readFile(t, filepath.Join(out1, "rounds.csv")), readFile(t, filepath.Join(out2, "rounds.csv")); !bytes.Equal(a, b) {
		t.Errorf("the replayed rounds.csv differs from the recorded one:\n%s\n%s", a, b)
	}
	if r := readSummary(t, out2); r.LLM.CacheHits != 160 || r.LLM.Requests != 0 {
		t.Errorf("replay usage %+v, want 160 cache hits and no requests", r.LLM)
	}
	// The key's value is nowhere in what was written or printed.
	leak := stdout + errs
	for _, dir := range []string{out1, out2, cache} {
		filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() {
				b, _ := os.ReadFile(p)
				leak += string(b)
			}
			return nil
		})
	}
	if strings.Contains(leak, testKey) {
		t.Error("the API key's value appears in an output file or the log")
	}
}

// TestLLMFaults: a server that misbehaves in every way we know of; the
// run completes with every round, the faults retried or counted as
// fallbacks, and the per-round columns add up to the summary.
func TestLLMFaults(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", testKey)
	var n atomic.Int64
	srv := llmtest.New(func(r llmtest.Request) llmtest.Response {
		switch n.Add(1) % 7 {
		case 1:
			return llmtest.Response{Content: `{"hours": "many"`} // malformed
		case 2:
			return llmtest.Response{Content: `{"hours": 99999}`} // out of range
		case 3:
			return llmtest.Response{Status: 429, RetryAfter: "0.01"}
		case 4:
			return llmtest.Response{Status: 500}
		case 5:
			return llmtest.Response{Truncate: true, Content: "x"}
		case 6:
			return llmtest.Response{Delay: 400 * time.Millisecond, Content: `{"hours": 1}`} // slower than the time-out
		}
		return modelReply(r)
	})
	defer srv.Close()
	out := t.TempDir()
	args := append([]string{"run", scen("llm-quickstart.toml"), "--out", out, "--set", "llm.timeout=0.2", "--set", "rounds=2",
		"--set", "llm.cache_mode=off", "--set", "llm.archetypes=8"}, llmArgs(srv, t.TempDir())...)
	if _, errs, code := invoke(t, context.Background(), args...); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	s := readSummary(t, out)
	if s.RoundsDone != 2 || s.LLM.Retries == 0 || s.LLM.Fallbacks == 0 {
		t.Errorf("summary %+v: want both rounds, some retries and some fallbacks", s)
	}
	lines := strings.Split(strings.TrimSpace(string(readFile(t, filepath.Join(out, "rounds.csv")))), "\n")
	cols := strings.Split(lines[0], ",")
	idx := func(name string) int {
		for i, c := range cols {
			if c == name {
				return i
			}
		}
		t.Fatalf("no column %s", name)
		return -1
	}
	var calls, fallbacks float64
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		c, _ := strconv.ParseFloat(f[idx("llm_calls")], 64)
		fb, _ := strconv.ParseFloat(f[idx("llm_fallbacks")], 64)
		calls += c
		fallbacks += fb
	}
	if int64(calls) != s.LLM.Calls || int64(fallbacks) != s.LLM.Fallbacks {
		t.Errorf("columns sum to %v calls and %v fallbacks; summary says %d and %d", calls, fallbacks, s.LLM.Calls, s.LLM.Fallbacks)
	}
}

// TestLLMCallsIndependentOfPopulation: with 8 archetypes a round costs 8
// calls for 1,000 workers and for 50,000.
func TestLLMCallsIndependentOfPopulation(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", testKey)
	srv := llmtest.New(modelReply)
	defer srv.Close()
	for _, n := range []string{"1000", "50000"} {
		out := t.TempDir()
		args := append([]string{"run", scen("llm-quickstart.toml"), "--out", out, "--set", "population.agents=" + n,
			"--set", "llm.archetypes=8", "--set", "llm.cache_mode=off"}, llmArgs(srv, t.TempDir())...)
		if _, errs, code := invoke(t, context.Background(), args...); code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		if s := readSummary(t, out); s.LLM.Calls != 8*5 {
			t.Errorf("%s workers: %d calls, want 40", n, s.LLM.Calls)
		}
	}
}

// TestLLMBudget: at a price where each round costs the same, --max-cost
// stops cleanly before the round that would pass the budget, keeping the
// rounds done and a summary that says why.
func TestLLMBudget(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", testKey)
	srv := llmtest.New(func(r llmtest.Request) llmtest.Response {
		resp := modelReply(r)
		resp.TokensIn, resp.TokensOut = 1000, 100 // $1,000 and $100 per million: $1.10 a call
		return resp
	})
	defer srv.Close()
	out := t.TempDir()
	// 8 calls a round = $8.80: after 2 rounds $17.60 spent, a third would make $26.40 > $20.
	args := append([]string{"run", scen("llm-quickstart.toml"), "--out", out, "--max-cost", "20",
		"--set", "llm.archetypes=8", "--set", "llm.cache_mode=off",
		"--set", "llm.price.input_per_million=1000", "--set", "llm.price.output_per_million=1000"}, llmArgs(srv, t.TempDir())...)
	if _, errs, code := invoke(t, context.Background(), args...); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	s := readSummary(t, out)
	if s.RoundsDone != 2 || !strings.Contains(s.StopReason, "budget") {
		t.Errorf("summary %+v: want 2 rounds and a budget stop", s)
	}
	if rows := strings.Count(string(readFile(t, filepath.Join(out, "rounds.csv"))), "\n"); rows != 3 {
		t.Errorf("rounds.csv has %d lines, want header + 2", rows)
	}
}

// TestLLMBudgetFirstRound: a budget below the first round's cost stops the
// run in that round (exit 1, no summary.json), before the round's eight
// calls are all made: the client costs each request before sending it.
func TestLLMBudgetFirstRound(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", testKey)
	srv := llmtest.New(func(r llmtest.Request) llmtest.Response {
		resp := modelReply(r)
		resp.TokensIn, resp.TokensOut = 1000, 100 // $1.10 a call
		return resp
	})
	defer srv.Close()
	out := t.TempDir()
	args := append([]string{"run", scen("llm-quickstart.toml"), "--out", out, "--max-cost", "3",
		"--set", "llm.archetypes=8", "--set", "llm.cache_mode=off", "--set", "llm.max_concurrency=1",
		"--set", "llm.price.input_per_million=1000", "--set", "llm.price.output_per_million=1000"}, llmArgs(srv, t.TempDir())...)
	_, errs, code := invoke(t, context.Background(), args...)
	if code != 1 || !strings.Contains(errs, "the LLM budget of $3.0000 could be passed") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if n := srv.Requests(); n >= 8 || n < 1 {
		t.Errorf("%d requests, want fewer than the round's 8", n)
	}
	if _, err := os.Stat(filepath.Join(out, "summary.json")); !os.IsNotExist(err) {
		t.Error("summary.json written for a run stopped by its budget in round 0")
	}
}

// TestLLMPlanner: the LLM planner's reply becomes the schedule; an unusable
// reply keeps the rates and counts a fallback.
func TestLLMPlanner(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", testKey)
	for _, broken := range []bool{false, true} {
		srv := llmtest.New(func(r llmtest.Request) llmtest.Response {
			if broken {
				return llmtest.Response{Content: "I would rather not say."}
			}
			return modelReply(r)
		})
		out := t.TempDir()
		args := append([]string{"run", scen("quickstart.toml"), "--out", out, "--set", "planner.kind=llm",
			"--set", "llm.model=test", "--set", "llm.api_key_env=OPENAI_API_KEY", "--set", "llm.cache_mode=off"}, llmArgs(srv, t.TempDir())...)
		if broken {
			// A planner that only falls back stops the run (its one decision
			// a period is 100% fallbacks) unless the user opts in.
			if _, errs, code := invoke(t, context.Background(), args...); code != 1 || !strings.Contains(errs, "1 of 1 LLM decisions fell back") {
				t.Fatalf("broken planner: exit %d: %s", code, errs)
			}
			out = t.TempDir()
			args = append(args, "--out", out, "--set", "llm.max_fallback_share=1")
		}
		if _, errs, code := invoke(t, context.Background(), args...); code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		srv.Close()
		var sum struct {
			Schedule struct{ Rates []float64 }
			LLM      struct{ Calls, Fallbacks int64 }
		}
		json.Unmarshal(readFile(t, filepath.Join(out, "summary.json")), &sum)
		want, wantFallbacks := 0.2, int64(0)
		if broken {
			want, wantFallbacks = 0, 2 // two periods, rates kept (none before the first)
		}
		if len(sum.Schedule.Rates) != 7 || sum.Schedule.Rates[3] != want || sum.LLM.Fallbacks != wantFallbacks {
			t.Errorf("broken=%v: rates %v, fallbacks %d; want %v and %d", broken, sum.Schedule.Rates, sum.LLM.Fallbacks, want, wantFallbacks)
		}
	}
}

// TestLLMEndpointsThatFail: a mistyped URL or key used to give a
// "successful" run of the heuristic fallback after minutes of retries. Each
// failure now stops the run with exit 1 and a message naming the endpoint
// and what happened (never the key), in seconds.
func TestLLMEndpointsThatFail(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", testKey)
	leaky := `{"error":{"message":"Incorrect API key provided: ` + testKey + `. You can find your API key at ...","type":"invalid_request_error"}}`
	cases := []struct {
		name    string
		reply   func(n int64, r llmtest.Request) llmtest.Response
		url     string   // instead of the test server's
		extra   []string // more --set
		want    string
		within  time.Duration
		maxReqs int64 // requests the server may see (0: no check)
		rounds  int   // rows rounds.csv keeps
	}{
		{name: "401", reply: func(int64, llmtest.Request) llmtest.Response { return llmtest.Response{Status: 401, Body: leaky} },
			want: "answered HTTP 401 Unauthorized: the API key was refused", within: 5 * time.Second, maxReqs: 8},
		{name: "403", reply: func(int64, llmtest.Request) llmtest.Response { return llmtest.Response{Status: 403} },
			want: "answered HTTP 403", within: 5 * time.Second, maxReqs: 8},
		{name: "404 model", reply: func(int64, llmtest.Request) llmtest.Response { return llmtest.Response{Status: 404} },
			want: "answered HTTP 404 Not Found: not found: check the base URL", within: 5 * time.Second, maxReqs: 8},
		{name: "closed port", url: "http://127.0.0.1:1/v1",
			want: "10 requests in a row got no answer", within: 15 * time.Second},
		{name: "never answers", reply: func(int64, llmtest.Request) llmtest.Response { return llmtest.Response{Delay: time.Hour} },
			extra: []string{"--set", "llm.timeout=0.3"}, want: "requests in a row got no answer", within: 15 * time.Second},
		{name: "garbage 200", reply: func(int64, llmtest.Request) llmtest.Response { return llmtest.Response{Body: "<html>oops</html>"} },
			extra: []string{"--set", "llm.retries=1"}, want: "8 of 8 LLM decisions fell back to the heuristic", within: 15 * time.Second},
		{name: "garbage after round 1", reply: func(n int64, r llmtest.Request) llmtest.Response {
			if n <= 8 {
				return modelReply(r)
			}
			return llmtest.Response{Content: "I cannot help with that."}
		}, extra: []string{"--set", "llm.reasks=0"}, want: "round 1: 8 of 8 LLM decisions fell back", within: 15 * time.Second, rounds: 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var n atomic.Int64
			srv := llmtest.New(func(r llmtest.Request) llmtest.Response { return c.reply(n.Add(1), r) })
			defer srv.Close()
			out := t.TempDir()
			args := append([]string{"run", scen("llm-quickstart.toml"), "--out", out, "--set", "llm.archetypes=8", "--set", "llm.cache_mode=off"},
				llmArgs(srv, t.TempDir())...)
			if c.url != "" {
				args = append(args, "--set", "llm.base_url="+c.url)
			}
			args = append(args, c.extra...)
			start := time.Now()
			stdout, errs, code := invoke(t, context.Background(), args...)
			took := time.Since(start)
			if code != 1 || !strings.Contains(errs, c.want) {
				t.Fatalf("exit %d, want 1 with %q:\n%s", code, c.want, errs)
			}
			if strings.Contains(stdout+errs, testKey) || strings.Contains(stdout+errs, "do-not-leak") {
				t.Errorf("the key was printed:\n%s", errs)
			}
			if took > c.within {
				t.Errorf("took %v to stop, want under %v", took, c.within)
			}
			if c.maxReqs > 0 && srv.Requests() > c.maxReqs {
				t.Errorf("%d requests: a refused key or model is not retried (want ≤ %d, one per archetype)", srv.Requests(), c.maxReqs)
			}
			if _, err := os.Stat(filepath.Join(out, "summary.json")); err == nil {
				t.Error("a failed run wrote summary.json")
			}
			if rows := strings.Count(string(readFile(t, filepath.Join(out, "rounds.csv"))), "\n") - 1; rows != c.rounds {
				t.Errorf("rounds.csv keeps %d rounds, want %d", rows, c.rounds)
			}
			t.Logf("stopped in %v after %d requests", took.Round(time.Millisecond), srv.Requests())
		})
	}
	// The old behaviour, opted into: run on with every decision a fallback.
	srv := llmtest.New(func(llmtest.Request) llmtest.Response { return llmtest.Response{Content: "no"} })
	defer srv.Close()
	out := t.TempDir()
	args := append([]string{"run", scen("llm-quickstart.toml"), "--out", out, "--set", "llm.archetypes=8", "--set", "rounds=2",
		"--set", "llm.cache_mode=off", "--set", "llm.reasks=0", "--set", "llm.max_fallback_share=1"}, llmArgs(srv, t.TempDir())...)
	if _, errs, code := invoke(t, context.Background(), args...); code != 0 {
		t.Fatalf("opted-in fallbacks: exit %d: %s", code, errs)
	}
	if s := readSummary(t, out); s.LLM.Fallbacks != 16 {
		t.Errorf("fallbacks %d, want 16 (8 archetypes × 2 rounds)", s.LLM.Fallbacks)
	}
}

// TestLLMWaitingProgress: while requests go unanswered for seconds, the
// progress line says how many are in flight.
func TestLLMWaitingProgress(t *testing.T) {
	if testing.Short() {
		t.Skip("waits 4 s")
	}
	t.Setenv("OPENAI_API_KEY", testKey)
	srv := llmtest.New(func(r llmtest.Request) llmtest.Response {
		resp := modelReply(r)
		resp.Delay = 4500 * time.Millisecond
		return resp
	})
	defer srv.Close()
	out := t.TempDir()
	args := []string{"run", scen("llm-quickstart.toml"), "--out", out, "--set", "llm.archetypes=2", "--set", "rounds=1",
		"--set", "llm.cache_mode=off", "--set", "llm.base_url=" + srv.BaseURL(), "--set", "llm.cache=" + t.TempDir()}
	_, errs, code := invoke(t, context.Background(), args...)
	if code != 0 || !strings.Contains(errs, "round 1/1: 2 LLM requests in flight, no answer for") {
		t.Fatalf("exit %d; stderr lacks the waiting line:\n%s", code, errs)
	}
}
