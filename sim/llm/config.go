package llm

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"
)

// Names of the reply limit's request field.
const (
	TokenFieldMaxTokens           = "max_tokens"
	TokenFieldMaxCompletionTokens = "max_completion_tokens"
)

// Cache modes.
const (
	CacheOff       = "off"        // neither read nor write
	CacheReadWrite = "read_write" // serve hits, store misses (default with a path)
	CacheReplay    = "replay"     // serve hits; a miss is an error; no network
)

// Config is the client's configuration (the scenario's [llm] table).
type Config struct {
	BaseURL           string        // e.g. https://api.openai.com/v1 or http://localhost:11434/v1
	Model             string        // model name the endpoint knows
	APIKeyEnv         string        // NAME of the environment variable holding the key ("" for none)
	Temperature       float64       // sampling temperature, ≥ 0
	MaxTokens         int           // reply length limit, > 0
	Timeout           time.Duration // per request, > 0
	MaxConcurrency    int           // requests in flight at most, ≥ 1
	RequestsPerMinute float64       // request rate limit; 0 = none
	Retries           int           // retries after the first attempt, ≥ 0
	JSONMode          bool          // ask for response_format json_object
	CachePath         string        // folder of the reply cache; "" = no cache
	CacheMode         string        // off | read_write | replay
	InputPerMillion   float64       // price of a million prompt tokens
	OutputPerMillion  float64       // price of a million completion tokens
	Seed              uint64        // seeds the backoff jitter (timing only)
	TokenField        string        // the reply limit's field: max_tokens ("" too) | max_completion_tokens
	// MaxConnectionFailures trips the breaker: after this many requests in a
	// row with no HTTP answer every call fails with a FatalError. 0: never.
	MaxConnectionFailures int

	// BackoffBase and BackoffMax bound the exponential backoff between
	// retries (defaults 500 ms and 30 s); tests make them short.
	BackoffBase, BackoffMax time.Duration
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// LooksLikeKey reports whether s, given as the name of the variable holding
// an API key, looks like a key itself: it starts with "sk-" or is long
// (20 characters or more) with no underscore. Such a value is never printed.
func LooksLikeKey(s string) bool {
	return strings.HasPrefix(strings.ToLower(s), "sk-") || (len(s) >= 20 && !strings.Contains(s, "_"))
}

// Validate checks the configuration; errors name the scenario key.
func (c Config) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.BaseURL == "" {
		add("llm.base_url must be set (e.g. https://api.openai.com/v1)")
	}
	if c.Model == "" {
		add("llm.model must be set")
	}
	switch {
	case c.APIKeyEnv == "":
	case LooksLikeKey(c.APIKeyEnv):
		// Never echo it: it may be the secret itself.
		add("llm.api_key_env must be the NAME of an environment variable (like OPENAI_API_KEY), but it holds what looks like an API key (not shown); put the key in a variable and name that")
	case !envName.MatchString(c.APIKeyEnv):
		add("llm.api_key_env must be the name of an environment variable (letters, digits and _), got %q", c.APIKeyEnv)
	}
	if math.IsNaN(c.Temperature) || c.Temperature < 0 || c.Temperature > 2 {
		add("llm.temperature must be in [0, 2], got %v", c.Temperature)
	}
	if c.MaxTokens <= 0 {
		add("llm.max_tokens must be positive, got %d", c.MaxTokens)
	}
	if c.Timeout <= 0 {
		add("llm.timeout must be positive, got %v", c.Timeout)
	}
	if c.MaxConcurrency < 1 {
		add("llm.max_concurrency must be at least 1, got %d", c.MaxConcurrency)
	}
	if math.IsNaN(c.RequestsPerMinute) || c.RequestsPerMinute < 0 {
		add("llm.requests_per_minute must be ≥ 0 (0: no limit), got %v", c.RequestsPerMinute)
	}
	if c.TokenField != "" && c.TokenField != TokenFieldMaxTokens && c.TokenField != TokenFieldMaxCompletionTokens {
		add("llm.token_limit_field must be max_tokens or max_completion_tokens, got %q", c.TokenField)
	}
	if c.MaxConnectionFailures < 0 {
		add("llm.max_connection_failures must be ≥ 0 (0: never stop), got %d", c.MaxConnectionFailures)
	}
	if c.Retries < 0 {
		add("llm.retries must be ≥ 0, got %d", c.Retries)
	}
	switch c.CacheMode {
	case CacheOff, CacheReadWrite:
	case CacheReplay:
		if c.CachePath == "" {
			add("llm.cache_mode = \"replay\" needs llm.cache (the cache folder)")
		}
	default:
		add("llm.cache_mode must be off, read_write or replay, got %q", c.CacheMode)
	}
	if math.IsNaN(c.InputPerMillion) || c.InputPerMillion < 0 || math.IsNaN(c.OutputPerMillion) || c.OutputPerMillion < 0 {
		add("llm.price values must be ≥ 0")
	}
	return errors.Join(errs...)
}
