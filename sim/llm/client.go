package llm

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	openai "github.com/sashabaranov/go-openai"
	"golang.org/x/time/rate"

	"github.com/econsim/econsim/sim/field"
)

// Message is one chat message.
type Message struct {
	Role    string `json:"role"` // system | user | assistant
	Content string `json:"content"`
}

// Reply is one completion.
type Reply struct {
	Content   string
	TokensIn  int
	TokensOut int
	Cached    bool
}

// ErrReplayMiss is returned in replay mode for a prompt the cache lacks.
var ErrReplayMiss = errors.New("llm replay: no cached reply")

// Client talks to one endpoint. It is safe for concurrent use.
type Client struct {
	cfg     Config
	api     *openai.Client
	sem     chan struct{}
	limiter *rate.Limiter
	cache   *diskCache

	key string // for removing it from messages

	mu            sync.Mutex
	usage         Usage // integer counters; costs are derived in Usage()
	netIn, netOut int64 // tokens of completions fetched over the network
	jitter        *rand.Rand
	// What the endpoint refused, learnt during the run (see unsupported).
	completionTokens, noTemperature bool
	// The budget: money the client may spend over the network (0: no
	// limit), and the most the requests in flight could cost.
	budget, reserved float64
	// The connection breaker: requests in a row without an HTTP answer,
	// and the fatal error once it tripped.
	noReplies int
	tripped   error
	// For Status.
	inFlight  int
	lastReply time.Time
	lastErr   string
}

// New returns a client for cfg, reading the API key from the environment
// variable cfg.APIKeyEnv through getenv (os.Getenv in the command).
func New(cfg Config, getenv func(string) string) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	key := ""
	if cfg.APIKeyEnv != "" {
		key = getenv(cfg.APIKeyEnv)
		if key == "" && cfg.CacheMode != CacheReplay {
			return nil, field.Errorf("APIKeyEnv", "the environment variable %s is empty or unset", cfg.APIKeyEnv)
		}
	}
	oc := openai.DefaultConfig(key)
	oc.BaseURL = cfg.BaseURL
	oc.HTTPClient = &http.Client{Transport: retryAfterTransport{http.DefaultTransport}}
	c := &Client{
		cfg:    cfg,
		key:    key,
		api:    openai.NewClientWithConfig(oc),
		sem:    make(chan struct{}, cfg.MaxConcurrency),
		jitter: rand.New(rand.NewPCG(cfg.Seed, 0x6c6c6d)),
	}
	if cfg.RequestsPerMinute > 0 {
		c.limiter = rate.NewLimiter(rate.Limit(cfg.RequestsPerMinute/60), 1)
	}
	if cfg.CachePath != "" && cfg.CacheMode != CacheOff {
		c.cache = &diskCache{dir: cfg.CachePath}
	}
	if c.cfg.BackoffBase <= 0 {
		c.cfg.BackoffBase = 500 * time.Millisecond
	}
	if c.cfg.BackoffMax <= 0 {
		c.cfg.BackoffMax = 30 * time.Second
	}
	c.completionTokens = cfg.TokenField == TokenFieldMaxCompletionTokens
	return c, nil
}

// MaxConcurrency is the number of requests the client lets be in flight.
func (c *Client) MaxConcurrency() int { return c.cfg.MaxConcurrency }

// Complete returns a completion of msgs; seed tells samples of the same
// prompt apart (and is sent to servers that honour it).
func (c *Client) Complete(ctx context.Context, msgs []Message, seed int) (Reply, error) {
	key := cacheKey(c.cfg.Model, msgs, c.cfg.Temperature, seed, c.cfg.MaxTokens, c.cfg.JSONMode)
	if c.cache != nil {
		e, ok, err := c.cache.get(key)
		if err != nil {
			return Reply{}, cacheError{err}
		}
		if ok {
			r := Reply{Content: e.Content, TokensIn: e.TokensIn, TokensOut: e.TokensOut, Cached: true}
			c.account(r)
			return r, nil
		}
		if c.cfg.CacheMode == CacheReplay {
			return Reply{}, fmt.Errorf("%w for the prompt %q (seed %d)", ErrReplayMiss, excerpt(lastUser(msgs)), seed)
		}
	}
	var lastErr error
	var wait time.Duration
	adapted := 0
	for attempt := 0; attempt <= c.cfg.Retries; attempt++ {
		if err := c.trippedErr(); err != nil {
			return Reply{}, err
		}
		if attempt > 0 {
			if err := sleep(ctx, c.backoff(attempt, wait)); err != nil {
				return Reply{}, err
			}
			c.mu.Lock()
			c.usage.Retries++
			c.mu.Unlock()
		}
		release, err := c.reserve(msgs)
		if err != nil {
			return Reply{}, err
		}
		r, after, err := c.once(ctx, msgs, seed)
		if err == nil {
			c.account(r) // spent, whether or not the cache keeps it
			release()
			if c.cache != nil {
				if err := c.cache.put(entry{Key: key, Model: c.cfg.Model, Prompt: lastUser(msgs), Content: r.Content, TokensIn: r.TokensIn, TokensOut: r.TokensOut}); err != nil {
					return Reply{}, cacheError{err}
				}
			}
			return r, nil
		}
		release()
		if ctx.Err() != nil {
			return Reply{}, ctx.Err()
		}
		if p := unsupported(err); p != "" && adapted < 2 {
			// The model refuses a parameter: send what it accepts from now
			// on, and ask again at once (not counted as a retry).
			c.adapt(p)
			adapted++
			attempt--
			continue
		}
		if msg, fatal := fatalStatus(statusOf(err)); fatal {
			return Reply{}, &FatalError{Endpoint: c.cfg.BaseURL, Status: statusOf(err), Msg: msg}
		}
		if err := c.noteFailure(err); err != nil {
			return Reply{}, err
		}
		if !retryable(err) {
			return Reply{}, fmt.Errorf("llm: %s", redact(err.Error(), c.key))
		}
		lastErr, wait = err, after
	}
	return Reply{}, fmt.Errorf("llm: gave up after %d attempts: %s", c.cfg.Retries+1, redact(lastErr.Error(), c.key))
}

// adapt remembers, for the rest of the run, that the model refuses param.
func (c *Client) adapt(param string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch param {
	case paramMaxTokens:
		c.completionTokens = true
	case paramTemperature:
		c.noTemperature = true
	}
}

// noteFailure records a failed request for Status and the connection
// breaker; it returns the breaker's error when this failure trips it.
func (c *Client) noteFailure(err error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lastErr = redact(err.Error(), c.key)
	if !noReply(err) {
		c.noReplies = 0
		return nil
	}
	c.noReplies++
	if n := c.cfg.MaxConnectionFailures; n > 0 && c.noReplies >= n && c.tripped == nil {
		c.tripped = &FatalError{Endpoint: c.cfg.BaseURL, Msg: fmt.Sprintf(
			"%d requests in a row got no answer (last: %s); is the server running and the base URL right?", c.noReplies, c.lastErr)}
	}
	return c.tripped
}

func (c *Client) trippedErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tripped
}

// Status reports the requests in flight, how long since the last answer,
// and the last error (for a progress line while a round waits).
func (c *Client) Status() Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := Status{InFlight: c.inFlight, LastError: c.lastErr}
	if c.inFlight > 0 {
		st.Quiet = time.Since(c.lastReply)
	}
	return st
}

// once makes one request, within the concurrency and rate limits.
func (c *Client) once(ctx context.Context, msgs []Message, seed int) (Reply, time.Duration, error) {
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return Reply{}, 0, ctx.Err()
	}
	defer func() { <-c.sem }()
	if c.limiter != nil {
		if err := c.limiter.Wait(ctx); err != nil {
			return Reply{}, 0, err
		}
	}
	c.mu.Lock()
	c.usage.Requests++
	if c.inFlight == 0 {
		c.lastReply = time.Now() // quiet time counts from here
	}
	c.inFlight++
	completionTokens, noTemperature := c.completionTokens, c.noTemperature
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.inFlight--
		c.lastReply = time.Now()
		c.mu.Unlock()
	}()
	note := &retryNote{}
	callCtx, cancel := context.WithTimeout(context.WithValue(ctx, retryNoteKey{}, note), c.cfg.Timeout)
	defer cancel()
	req := openai.ChatCompletionRequest{Model: c.cfg.Model, Seed: &seed}
	if completionTokens {
		req.MaxCompletionTokens = c.cfg.MaxTokens
	} else {
		//lint:ignore SA1019 max_tokens is what most OpenAI-compatible servers take; newer OpenAI models get max_completion_tokens (token_limit_field, or learnt from a refusal)
		req.MaxTokens = c.cfg.MaxTokens
	}
	if !noTemperature {
		req.Temperature = float32(c.cfg.Temperature)
	}
	for _, m := range msgs {
		req.Messages = append(req.Messages, openai.ChatCompletionMessage{Role: m.Role, Content: m.Content})
	}
	if c.cfg.JSONMode {
		req.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject}
	}
	resp, err := c.api.CreateChatCompletion(callCtx, req)
	if err != nil {
		if ctx.Err() == nil && callCtx.Err() != nil {
			err = fmt.Errorf("%w: no reply within %v", errTimeout, c.cfg.Timeout)
		}
		if note.status >= 400 {
			// the status as the server sent it, whatever its body held:
			// go-openai reads it only from an OpenAI-shaped error object
			err = &httpError{status: note.status, err: err}
		}
		return Reply{}, note.after, err
	}
	if len(resp.Choices) == 0 {
		return Reply{}, 0, errEmpty
	}
	c.mu.Lock()
	c.noReplies = 0
	c.mu.Unlock()
	return Reply{Content: resp.Choices[0].Message.Content, TokensIn: resp.Usage.PromptTokens, TokensOut: resp.Usage.CompletionTokens}, 0, nil
}

var (
	errTimeout = errors.New("request timed out")
	errEmpty   = errors.New("reply has no choices")
)

func lastUser(msgs []Message) string {
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role == "user" {
			return msgs[i].Content
		}
	}
	return ""
}

func excerpt(s string) string {
	if len(s) > 160 {
		return s[:160] + "…"
	}
	return s
}
