package llm

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// FatalError is a failure no fallback can mend: the endpoint refused the
// key or does not know the model (HTTP 401, 403, 404), or it stopped
// answering (the connection breaker tripped). A run stops on it.
type FatalError struct {
	Endpoint string // the base URL
	Status   int    // the HTTP status; 0 when the breaker tripped
	Msg      string // what happened, with anything key-like removed
}

func (e *FatalError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("llm endpoint %s answered HTTP %d %s: %s", e.Endpoint, e.Status, http.StatusText(e.Status), e.Msg)
	}
	return fmt.Sprintf("llm endpoint %s: %s", e.Endpoint, e.Msg)
}

// fatalStatus explains the statuses that end a run at once.
func fatalStatus(status int) (string, bool) {
	switch status {
	case http.StatusUnauthorized:
		return "the API key was refused; check the key and the variable that holds it (the key is not shown)", true
	case http.StatusForbidden:
		return "access denied for this key or model; check the key's permissions and the model name", true
	case http.StatusNotFound:
		return "not found: check the base URL (it usually ends in /v1) and the model name", true
	}
	return "", false
}

// httpError is a request the server answered with an error status. The
// client reads the status from the response itself, so it is known
// whatever the body: an OpenAI error object, {"error": "text"} (as Hugging
// Face's TGI sends), plain text, HTML or nothing.
type httpError struct {
	status int
	err    error // what go-openai made of the body
}

func (e *httpError) Error() string { return e.err.Error() }
func (e *httpError) Unwrap() error { return e.err }

// statusOf returns the HTTP status of a failed request, 0 without one.
func statusOf(err error) int {
	var he *httpError
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	switch {
	case errors.As(err, &he):
		return he.status
	case errors.As(err, &apiErr):
		return apiErr.HTTPStatusCode
	case errors.As(err, &reqErr):
		return reqErr.HTTPStatusCode
	}
	return 0
}

// noReply reports whether a request failed without any HTTP answer: the
// connection was refused, reset or timed out. A run of these trips the
// connection breaker.
func noReply(err error) bool {
	var ue *url.Error
	return errors.As(err, &ue) || errors.Is(err, errTimeout)
}

// keyLike matches what may be a secret inside a server's message.
var keyLike = regexp.MustCompile(`(?i)\b(sk-[A-Za-z0-9_\-*.]*|[A-Za-z0-9_\-]{32,})`)

// redact removes the key and key-like words from a message.
func redact(msg, key string) string {
	if key != "" {
		msg = strings.ReplaceAll(msg, key, "[key]")
	}
	return keyLike.ReplaceAllString(msg, "[redacted]")
}

// Parameters a newer model may refuse, and what the client does instead.
const (
	paramMaxTokens   = "max_tokens"  // send max_completion_tokens
	paramTemperature = "temperature" // send none (the model's default)
)

// unsupported returns the request parameter a failed request was refused
// for (a 400 naming it, or go-openai's own check for reasoning models), or "".
func unsupported(err error) string {
	switch {
	case errors.Is(err, openai.ErrReasoningModelMaxTokensDeprecated):
		return paramMaxTokens
	case errors.Is(err, openai.ErrReasoningModelLimitationsOther), errors.Is(err, openai.ErrReasoningSamplingUnsupported),
		errors.Is(err, openai.ErrO1BetaLimitationsOther):
		return paramTemperature
	}
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != http.StatusBadRequest {
		return ""
	}
	param := ""
	if apiErr.Param != nil {
		param = *apiErr.Param
	}
	msg := strings.ToLower(apiErr.Message)
	for _, p := range []string{paramMaxTokens, paramTemperature} {
		if param == p || (strings.Contains(msg, "'"+p+"'") || strings.Contains(msg, `"`+p+`"`)) &&
			(strings.Contains(msg, "unsupported") || strings.Contains(msg, "not supported") || strings.Contains(msg, "does not support")) {
			return p
		}
	}
	return ""
}

// Status is what the client is doing now, for a progress line.
type Status struct {
	InFlight  int           // requests sent and not yet answered
	Quiet     time.Duration // since the last answer (or since the first request in flight)
	LastError string        // the last failed request's error, "" if none
}
