package llm

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// retryable reports whether a failed request is worth repeating: rate
// limits, server errors, time-outs and broken or empty replies; not other
// client errors (bad request, bad key).
func retryable(err error) bool {
	var he *httpError
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	switch {
	case errors.As(err, &he):
		return he.status == http.StatusTooManyRequests || he.status >= 500
	case errors.As(err, &apiErr):
		return apiErr.HTTPStatusCode == http.StatusTooManyRequests || apiErr.HTTPStatusCode >= 500
	case errors.As(err, &reqErr):
		return reqErr.HTTPStatusCode == http.StatusTooManyRequests || reqErr.HTTPStatusCode >= 500 || reqErr.HTTPStatusCode == 0
	}
	return true // network errors, time-outs, truncated or undecodable bodies
}

// backoff is the wait before the given retry: the server's Retry-After when
// it sent one, else base·2^(attempt−1) with ±50% jitter, capped.
func (c *Client) backoff(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, c.cfg.BackoffMax)
	}
	d := float64(c.cfg.BackoffBase) * math.Pow(2, float64(attempt-1))
	c.mu.Lock()
	j := 0.5 + c.jitter.Float64()
	c.mu.Unlock()
	return min(time.Duration(d*j), c.cfg.BackoffMax)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// retryAfterTransport records in the request's retryNote the HTTP status
// of every response, and the Retry-After of 429 and 5xx responses.
type retryAfterTransport struct{ base http.RoundTripper }

type retryNoteKey struct{}

type retryNote struct {
	status int // of the last response; 0 when none came
	after  time.Duration
}

func (t retryAfterTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	n, ok := r.Context().Value(retryNoteKey{}).(*retryNote)
	if err == nil && ok {
		n.status = resp.StatusCode
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
			n.after = parseRetryAfter(resp.Header.Get("Retry-After"))
		}
	}
	return resp, err
}

// parseRetryAfter reads delay-seconds or an HTTP date; 0 when absent.
func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}
