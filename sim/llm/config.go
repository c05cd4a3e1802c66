package llm

import (
	"errors"
	"math"
	"regexp"
	"strings"
	"time"

	"github.com/econsim/econsim/sim/field"
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

// Validate checks the configuration; errors are field errors.
func (c Config) Validate() error {
	var errs []error
	add := func(name, format string, args ...any) { errs = append(errs, field.Errorf(name, format, args...)) }
	if c.BaseURL == "" {
		add("BaseURL", "must be set (e.g. https://api.openai.com/v1)")
	}
	if c.Model == "" {
		add("Model", "must be set")
	}
	switch {
	case c.APIKeyEnv == "":
	case LooksLikeKey(c.APIKeyEnv):
		// Never echo it: it may be the secret itself.
		add("APIKeyEnv", "must be the NAME of an environment variable (like OPENAI_API_KEY), but it holds what looks like an API key (not shown); put the key in a variable and name that")
	case !envName.MatchString(c.APIKeyEnv):
		add("APIKeyEnv", "must be the name of an environment variable (letters, digits and _), got %q", c.APIKeyEnv)
	}
	if math.IsNaN(c.Temperature) || c.Temperature < 0 || c.Temperature > 2 {
		add("Temperature", "must be in [0, 2], got %v", c.Temperature)
	}
	if c.MaxTokens <= 0 {
		add("MaxTokens", "must be positive, got %d", c.MaxTokens)
	}
	if c.Timeout <= 0 {
		add("Timeout", "must be positive, got %v", c.Timeout)
	}
	if c.MaxConcurrency < 1 {
		add("MaxConcurrency", "must be at least 1, got %d", c.MaxConcurrency)
	}
	if math.IsNaN(c.RequestsPerMinute) || c.RequestsPerMinute < 0 {
		add("RequestsPerMinute", "must be ≥ 0 (0: no limit), got %v", c.RequestsPerMinute)
	}
	if c.TokenField != "" && c.TokenField != TokenFieldMaxTokens && c.TokenField != TokenFieldMaxCompletionTokens {
		add("TokenField", "must be max_tokens or max_completion_tokens, got %q", c.TokenField)
	}
	if c.MaxConnectionFailures < 0 {
		add("MaxConnectionFailures", "must be ≥ 0 (0: never stop), got %d", c.MaxConnectionFailures)
	}
	if c.Retries < 0 {
		add("Retries", "must be ≥ 0, got %d", c.Retries)
	}
	switch c.CacheMode {
	case CacheOff, CacheReadWrite:
	case CacheReplay:
		if c.CachePath == "" {
			add("CachePath", "is needed by cache mode \"replay\" (the cache folder)")
		}
	default:
		add("CacheMode", "must be off, read_write or replay, got %q", c.CacheMode)
	}
	if math.IsNaN(c.InputPerMillion) || c.InputPerMillion < 0 {
		add("InputPerMillion", "must be ≥ 0, got %v", c.InputPerMillion)
	}
	if math.IsNaN(c.OutputPerMillion) || c.OutputPerMillion < 0 {
		add("OutputPerMillion", "must be ≥ 0, got %v", c.OutputPerMillion)
	}
	return errors.Join(errs...)
}
