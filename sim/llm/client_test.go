package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/econsim/econsim/internal/llmtest"
)

const secret = "sk-test-SECRET-value-42"

func env(name string) string {
	if name == "TEST_LLM_KEY" {
		return secret
	}
	return ""
}

func testConfig(base string) Config {
	return Config{
		BaseURL: base, Model: "test-model", APIKeyEnv: "TEST_LLM_KEY", Temperature: 0.7, MaxTokens: 200,
		Timeout: 2 * time.Second, MaxConcurrency: 4, Retries: 3, JSONMode: true, CacheMode: CacheOff,
		InputPerMillion: 2, OutputPerMillion: 10, BackoffBase: 5 * time.Millisecond, BackoffMax: 200 * time.Millisecond,
	}
}

func user(s string) []Message {
	return []Message{{Role: "system", Content: "be brief"}, {Role: "user", Content: s}}
}

func TestCompleteAndAccounting(t *testing.T) {
	srv := llmtest.New(func(r llmtest.Request) llmtest.Response {
		return llmtest.Response{Content: `{"hours": 2000}`, TokensIn: 1000, TokensOut: 50}
	})
	defer srv.Close()
	c, err := New(testConfig(srv.BaseURL()), env)
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Complete(context.Background(), user("how much?"), 1)
	if err != nil {
		t.Fatal(err)
	}
	if r.Content != `{"hours": 2000}` || r.TokensIn != 1000 || r.TokensOut != 50 {
		t.Errorf("reply %+v", r)
	}
	u := c.Usage()
	// Cost: 1000 × 2/1e6 + 50 × 10/1e6 = 0.0025.
	if u.Calls != 1 || u.Requests != 1 || u.TokensIn != 1000 || u.TokensOut != 50 || fmt.Sprintf("%.6f", u.Cost) != "0.002500" || u.SpentCost != u.Cost {
		t.Errorf("usage %+v", u)
	}
	if !srv.SawAuth("Bearer " + secret) {
		t.Error("the key was not sent as a bearer token")
	}
}

func TestRetries(t *testing.T) {
	cases := []struct {
		name     string
		script   []llmtest.Response // by arrival; the last repeats
		wantReqs int64
		wantErr  bool
		minWait  time.Duration
	}{
		{"429 with Retry-After", []llmtest.Response{{Status: 429, RetryAfter: "0.1"}, {Status: 429, RetryAfter: "0.1"}, {Content: "ok"}}, 3, false, 200 * time.Millisecond},
		{"500s", []llmtest.Response{{Status: 500}, {Status: 502}, {Content: "ok"}}, 3, false, 0},
		{"slower than the timeout", []llmtest.Response{{Delay: time.Second, Content: "late"}, {Content: "ok"}}, 2, false, 0},
		{"truncated body", []llmtest.Response{{Content: "ok", Truncate: true}, {Content: "ok"}}, 2, false, 0},
		{"always 503", []llmtest.Response{{Status: 503}}, 4, true, 0},
		{"400 is not retried", []llmtest.Response{{Status: 400}}, 1, true, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := llmtest.New(func(r llmtest.Request) llmtest.Response {
				return tc.script[min(r.N, len(tc.script))-1]
			})
			defer srv.Close()
			cfg := testConfig(srv.BaseURL())
			cfg.Timeout = 300 * time.Millisecond
			c, _ := New(cfg, env)
			start := time.Now()
			r, err := c.Complete(context.Background(), user("x"), 0)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if !tc.wantErr && r.Content != "ok" {
				t.Errorf("content %q", r.Content)
			}
			if got := srv.Requests(); got != tc.wantReqs {
				t.Errorf("%d requests, want %d", got, tc.wantReqs)
			}
			if el := time.Since(start); el < tc.minWait {
				t.Errorf("took %v, Retry-After asked for at least %v", el, tc.minWait)
			}
			if u := c.Usage(); u.Retries != 0 && u.Requests != tc.wantReqs {
				t.Errorf("usage %+v", u)
			}
			if err != nil && strings.Contains(err.Error(), secret) {
				t.Error("the API key appears in an error")
			}
		})
	}
}

// TestConcurrencyLimit: 40 calls against a 30 ms server with
// max_concurrency 4: the server never sees more than 4 at once, and sees 4
// (the limit is kept full while calls are pending).
func TestConcurrencyLimit(t *testing.T) {
	srv := llmtest.New(func(llmtest.Request) llmtest.Response { return llmtest.Response{Content: "ok"} })
	srv.Delay = 30 * time.Millisecond
	defer srv.Close()
	c, _ := New(testConfig(srv.BaseURL()), env)
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			if _, err := c.Complete(context.Background(), user(fmt.Sprint(i)), i); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if m := srv.MaxInFlight(); m != 4 {
		t.Errorf("max in flight %d, want exactly 4", m)
	}
}

// TestRateLimit: at 600 requests a minute (one per 100 ms, no burst), 8
// requests span at least 7 × 100 ms, and no 100 ms holds two arrivals
// (with 20 ms of scheduling slack).
func TestRateLimit(t *testing.T) {
	srv := llmtest.New(func(llmtest.Request) llmtest.Response { return llmtest.Response{Content: "ok"} })
	defer srv.Close()
	cfg := testConfig(srv.BaseURL())
	cfg.RequestsPerMinute = 600
	c, _ := New(cfg, env)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() { c.Complete(context.Background(), user(fmt.Sprint(i)), i) })
	}
	wg.Wait()
	a := srv.Arrivals()
	if len(a) != 8 {
		t.Fatalf("%d arrivals", len(a))
	}
	for i := 1; i < len(a); i++ {
		if gap := a[i].Sub(a[i-1]); gap < 80*time.Millisecond {
			t.Errorf("arrivals %d and %d only %v apart", i-1, i, gap)
		}
	}
}

func TestCacheAndReplay(t *testing.T) {
	dir := t.TempDir()
	srv := llmtest.New(func(r llmtest.Request) llmtest.Response {
		return llmtest.Response{Content: "reply to " + r.LastUser() + fmt.Sprintf(" seed %d", *r.Seed)}
	})
	defer srv.Close()
	cfg := testConfig(srv.BaseURL())
	cfg.CachePath, cfg.CacheMode = dir, CacheReadWrite
	// Two clients write the same keys concurrently: the cache stays whole.
	var wg sync.WaitGroup
	for range 2 {
		c, _ := New(cfg, env)
		for i := range 20 {
			wg.Go(func() {
				if _, err := c.Complete(context.Background(), user(fmt.Sprintf("q%d", i%5)), i%3); err != nil {
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
	before := srv.Requests()
	cfg.CacheMode = CacheReplay
	cfg.BaseURL = "http://127.0.0.1:1/v1" // nothing listens: replay must not try
	rc, err := New(cfg, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		r, err := rc.Complete(context.Background(), user(fmt.Sprintf("q%d", i)), 1)
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("reply to q%d seed 1", i); r.Content != want || !r.Cached {
			t.Errorf("replayed %q (cached %v), want %q", r.Content, r.Cached, want)
		}
	}
	if srv.Requests() != before {
		t.Error("replay used the network")
	}
	_, err = rc.Complete(context.Background(), user("never asked"), 0)
	if !errors.Is(err, ErrReplayMiss) || !strings.Contains(err.Error(), "never asked") {
		t.Errorf("replay miss error = %v, want one naming the prompt", err)
	}
	if u := rc.Usage(); u.CacheHits != 5 || u.SpentCost != 0 || u.Cost <= 0 {
		t.Errorf("replay usage %+v: hits are priced as completions used, nothing spent", u)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		var e entry
		if json.Unmarshal(b, &e) != nil || strings.Contains(string(b), secret) {
			t.Errorf("bad cache file %s", f)
		}
	}
}

func TestAskJSON(t *testing.T) {
	srv := llmtest.New(func(r llmtest.Request) llmtest.Response {
		switch {
		case strings.Contains(r.LastUser(), "not usable"): // a re-ask
			if strings.Contains(r.Messages[0].Content, "stubborn") {
				return llmtest.Response{Content: `{"hours": 99999}`}
			}
			return llmtest.Response{Content: "Sure! ```json\n{\"hours\": 1800, \"reason\": \"a {brace} in text\"}\n``` hope that helps"}
		default:
			return llmtest.Response{Content: `{"hours": "lots"`}
		}
	})
	defer srv.Close()
	c, _ := New(testConfig(srv.BaseURL()), env)
	check := func(raw json.RawMessage) error {
		var v struct{ Hours float64 }
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		if v.Hours < 0 || v.Hours > 5000 {
			return fmt.Errorf("hours %v outside [0, 5000]", v.Hours)
		}
		return nil
	}
	raw, ok, err := c.AskJSON(context.Background(), user("decide"), 0, 2, check)
	if err != nil || !ok || !strings.Contains(string(raw), "1800") {
		t.Errorf("re-ask: %s %v %v", raw, ok, err)
	}
	msgs := []Message{{Role: "system", Content: "stubborn"}, {Role: "user", Content: "decide"}}
	_, ok, err = c.AskJSON(context.Background(), msgs, 0, 2, check)
	if err != nil || ok {
		t.Errorf("out-of-range replies: ok %v err %v, want a fallback", ok, err)
	}
	if got := srv.Requests(); got != 2+3 {
		t.Errorf("%d requests, want 2 + 3 (one ask and up to two re-asks each)", got)
	}
}

func TestExtractJSON(t *testing.T) {
	for in, want := range map[string]string{
		`{"a":1}`:                                `{"a":1}`,
		"text {\"a\": \"}\"} more {\"b\":2}":     `{"a": "}"}`,
		"{broken {\"ok\": true}":                 `{"ok": true}`,
		"```json\n{\"h\": [1, {\"x\": 2}]}\n```": `{"h": [1, {"x": 2}]}`,
	} {
		got, err := ExtractJSON(in)
		if err != nil || string(got) != want {
			t.Errorf("ExtractJSON(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	if _, err := ExtractJSON("no object here"); !errors.Is(err, ErrNoJSON) {
		t.Errorf("err = %v", err)
	}
}

func TestMissingKey(t *testing.T) {
	cfg := testConfig("http://127.0.0.1:1/v1")
	_, err := New(cfg, func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "TEST_LLM_KEY") {
		t.Errorf("err = %v, want one naming the variable", err)
	}
}

// TestKeyInPlaceOfItsName: a key pasted into api_key_env was echoed in the
// error; it is refused without being printed.
func TestKeyInPlaceOfItsName(t *testing.T) {
	for _, v := range []string{secret, "SK-abc", "AbCdEfGhIjKlMnOpQrStUvWx123", "abc.def-ghi/jklmnopqrstuvwxyz"} {
		cfg := testConfig("http://127.0.0.1:1/v1")
		cfg.APIKeyEnv = v
		_, err := New(cfg, env)
		if err == nil || !strings.Contains(err.Error(), "APIKeyEnv") || strings.Contains(err.Error(), v) {
			t.Errorf("api_key_env %q: got %v, want a refusal that does not print the value", v, err)
		}
	}
	for _, v := range []string{"OPENAI_API_KEY", "MY_KEY_2"} {
		if LooksLikeKey(v) {
			t.Errorf("%s taken for a key", v)
		}
	}
	cfg := testConfig("http://127.0.0.1:1/v1")
	cfg.APIKeyEnv = "bad-name"
	if _, err := New(cfg, env); err == nil || !strings.Contains(err.Error(), `"bad-name"`) {
		t.Errorf("a malformed name: %v", err)
	}
}

// TestUnsupportedParameters: newer models refuse max_tokens (they want
// max_completion_tokens) and any temperature but the default, with a 400 on
// every call. The client drops what was refused, asks again at once, and
// remembers it for the rest of the run.
func TestUnsupportedParameters(t *testing.T) {
	var refusals atomic.Int64
	srv := llmtest.New(func(r llmtest.Request) llmtest.Response {
		switch {
		case r.Fields["max_tokens"]:
			refusals.Add(1)
			return llmtest.Response{Status: 400, Body: `{"error":{"message":"Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.","type":"invalid_request_error","param":"max_tokens","code":"unsupported_parameter"}}`}
		case r.Fields["temperature"]:
			refusals.Add(1)
			return llmtest.Response{Status: 400, Body: `{"error":{"message":"Unsupported value: 'temperature' does not support 0.7 with this model. Only the default (1) value is supported.","type":"invalid_request_error","param":"temperature","code":"unsupported_value"}}`}
		}
		if r.MaxCompletionTokens != 200 {
			return llmtest.Response{Status: 400, Body: `{"error":{"message":"max_completion_tokens missing"}}`}
		}
		return llmtest.Response{Content: `{"ok": true}`}
	})
	defer srv.Close()
	c, err := New(testConfig(srv.BaseURL()), env)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := c.Complete(context.Background(), user(fmt.Sprint("q", i)), 0); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if n := refusals.Load(); n != 2 {
		t.Errorf("%d refusals, want 2 (one per parameter, then remembered)", n)
	}
	if u := c.Usage(); u.Retries != 0 || u.Requests != 7 {
		t.Errorf("usage %+v: want 7 requests (5 calls + 2 refused) and no retries", u)
	}

	// Chosen up front: max_completion_tokens from the first request.
	cfg := testConfig(srv.BaseURL())
	cfg.TokenField = TokenFieldMaxCompletionTokens
	cfg.Temperature = 0 // omitted: the model's default
	refusals.Store(0)
	c, _ = New(cfg, env)
	if _, err := c.Complete(context.Background(), user("x"), 0); err != nil || refusals.Load() != 0 {
		t.Errorf("with token_limit_field = max_completion_tokens: %v, %d refusals", err, refusals.Load())
	}
}

// TestReasoningModelNames: go-openai refuses max_tokens and a temperature
// other than 1 for o1/o3/o4/gpt-5 model names before sending anything; the
// client adapts to that the same way.
func TestReasoningModelNames(t *testing.T) {
	srv := llmtest.New(func(r llmtest.Request) llmtest.Response {
		if r.Fields["max_tokens"] || r.Fields["temperature"] {
			return llmtest.Response{Status: 400}
		}
		return llmtest.Response{Content: "fine"}
	})
	defer srv.Close()
	cfg := testConfig(srv.BaseURL())
	cfg.Model = "gpt-5-mini"
	c, _ := New(cfg, env)
	if _, err := c.Complete(context.Background(), user("x"), 0); err != nil {
		t.Fatal(err)
	}
	if srv.Requests() != 1 {
		t.Errorf("%d requests, want 1", srv.Requests())
	}
}

// TestFatalStatusesNotRetried: 401, 403 and 404 end at once with a
// FatalError naming the endpoint and status, never the key (which the
// server's message here echoes).
func TestFatalStatusesNotRetried(t *testing.T) {
	for _, status := range []int{401, 403, 404} {
		srv := llmtest.New(func(llmtest.Request) llmtest.Response {
			return llmtest.Response{Status: status, Body: `{"error":{"message":"Incorrect API key provided: ` + secret + `"}}`}
		})
		c, _ := New(testConfig(srv.BaseURL()), env)
		_, ok, err := c.AskJSON(context.Background(), user("x"), 0, 2, func(json.RawMessage) error { return nil })
		var fe *FatalError
		if ok || !errors.As(err, &fe) || fe.Status != status || !strings.Contains(err.Error(), srv.BaseURL()) || strings.Contains(err.Error(), secret) {
			t.Errorf("status %d: ok %v err %v", status, ok, err)
		}
		if srv.Requests() != 1 {
			t.Errorf("status %d: %d requests, want 1", status, srv.Requests())
		}
		srv.Close()
	}
}

// TestConnectionBreaker: after MaxConnectionFailures requests in a row with
// no answer, every call fails at once with a FatalError.
func TestConnectionBreaker(t *testing.T) {
	cfg := testConfig("http://127.0.0.1:1/v1")
	cfg.MaxConnectionFailures = 3
	cfg.Retries = 10
	c, _ := New(cfg, env)
	start := time.Now()
	_, err := c.Complete(context.Background(), user("x"), 0)
	var fe *FatalError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "3 requests in a row got no answer") {
		t.Fatalf("got %v", err)
	}
	if u := c.Usage(); u.Requests != 3 {
		t.Errorf("%d requests, want 3", u.Requests)
	}
	if _, err := c.Complete(context.Background(), user("y"), 0); !errors.As(err, &fe) {
		t.Errorf("after the trip: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	if st := c.Status(); !strings.Contains(st.LastError, "connection refused") {
		t.Errorf("status %+v lacks the last error", st)
	}
}

// TestStatusWhateverTheBody: the client reads the HTTP status from the
// response, not from go-openai's reading of the body, so 401, 403 and 404
// end the run and 429 and 5xx are retried whatever the error body looks
// like — OpenAI's object, {"error": "text"} (Hugging Face's TGI), plain
// text, an HTML page, or nothing.
func TestStatusWhateverTheBody(t *testing.T) {
	bodies := []struct {
		name string
		resp llmtest.Response
	}{
		{"openai object", llmtest.Response{Body: `{"error":{"message":"no","type":"invalid_request_error"}}`}},
		{"error string", llmtest.Response{Body: `{"error":"invalid api key"}`}},
		{"plain text", llmtest.Response{Body: "Unauthorized", ContentType: "text/plain"}},
		{"html", llmtest.Response{Body: "<html><body><h1>Bad Gateway</h1></body></html>", ContentType: "text/html"}},
		{"json nothing", llmtest.Response{Empty: true}},
		{"text nothing", llmtest.Response{Empty: true, ContentType: "text/plain"}},
	}
	for _, status := range []int{401, 403, 404, 429, 500, 502, 503} {
		for _, b := range bodies {
			t.Run(fmt.Sprintf("%d/%s", status, b.name), func(t *testing.T) {
				srv := llmtest.New(func(llmtest.Request) llmtest.Response {
					r := b.resp
					r.Status = status
					return r
				})
				defer srv.Close()
				cfg := testConfig(srv.BaseURL())
				cfg.Retries = 2
				cfg.BackoffBase = time.Millisecond
				c, _ := New(cfg, env)
				_, err := c.Complete(context.Background(), user("x"), 0)
				if err == nil {
					t.Fatal("no error")
				}
				var fe *FatalError
				fatal := status == 401 || status == 403 || status == 404
				if got := errors.As(err, &fe); got != fatal || (fatal && fe.Status != status) {
					t.Errorf("fatal %v (err %v), want %v with status %d", got, err, fatal, status)
				}
				want := int64(3) // retried twice
				if fatal {
					want = 1
				}
				if got := srv.Requests(); got != want {
					t.Errorf("%d requests, want %d", got, want)
				}
			})
		}
	}
}

// TestBudgetBeforeTheRequest: with a budget the client costs each request
// before it is sent (the prompt at a token per 3 bytes, and max_tokens of
// reply) and refuses, with a FatalError, one that could pass the budget:
// the money spent never exceeds it, even when nothing was spent before.
func TestBudgetBeforeTheRequest(t *testing.T) {
	srv := llmtest.New(func(llmtest.Request) llmtest.Response {
		return llmtest.Response{Content: "ok", TokensIn: 30, TokensOut: 50}
	})
	defer srv.Close()
	cfg := testConfig(srv.BaseURL())
	cfg.MaxTokens = 50
	cfg.InputPerMillion, cfg.OutputPerMillion = 1000, 1000 // $0.001 a token
	c, _ := New(cfg, env)
	// a request of "x" is booked at (about 5 bytes / 3 + 1 = 2) + 50 tokens
	// = $0.052 and costs 80 tokens = $0.08: a budget of $0.2 admits two
	c.SetBudget(0.2)
	var fatal *FatalError
	n := 0
	for range 5 {
		if _, err := c.Complete(context.Background(), user("x"), n); err != nil {
			if !errors.As(err, &fatal) || !strings.Contains(err.Error(), "budget") {
				t.Fatalf("error %v, want a FatalError about the budget", err)
			}
			break
		}
		n++
	}
	if u := c.Usage(); n != 2 || srv.Requests() != 2 || u.SpentCost > 0.2 {
		t.Errorf("%d completions, %d requests, $%v spent; want 2, 2 and at most $0.2", n, srv.Requests(), u.SpentCost)
	}
	c.SetBudget(0.01) // less than one request could cost: refused before any
	if _, err := c.Complete(context.Background(), user("y"), 9); !errors.As(err, &fatal) || srv.Requests() != 2 {
		t.Errorf("tiny budget: error %v after %d requests", err, srv.Requests())
	}
}
