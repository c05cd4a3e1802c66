package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// AskJSON sends msgs, takes the first JSON object in the reply and checks it
// with check (which decodes and validates it). When the reply has no valid
// object it asks again up to reasks times, quoting the problem; when a
// request fails even after the client's retries it gives up. Either way it
// then returns ok = false and no error: the caller falls back to a heuristic
// for this decision (and counts it with AddFallback). Errors are kept for
// what no fallback can mend: a cancelled context, a replay miss, a damaged
// cache, a FatalError (a refused key, an unknown model, a dead endpoint).
func (c *Client) AskJSON(ctx context.Context, msgs []Message, seed, reasks int, check func(json.RawMessage) error) (json.RawMessage, bool, error) {
	c.mu.Lock()
	c.usage.Decisions++
	c.mu.Unlock()
	for try := 0; ; try++ {
		r, err := c.Complete(ctx, msgs, seed)
		if err != nil {
			var fatal *FatalError
			if ctx.Err() != nil || errors.Is(err, ErrReplayMiss) || isCacheError(err) || errors.As(err, &fatal) {
				return nil, false, err
			}
			// Complete has recorded the failure (Status's last error).
			return nil, false, nil
		}
		obj, perr := ExtractJSON(r.Content)
		if perr == nil {
			perr = check(obj)
		}
		if perr == nil {
			return obj, true, nil
		}
		if try >= reasks {
			c.mu.Lock()
			c.lastErr = "unusable reply: " + redact(perr.Error(), c.key)
			c.mu.Unlock()
			return nil, false, nil
		}
		msgs = append(append([]Message(nil), msgs...),
			Message{Role: "assistant", Content: r.Content},
			Message{Role: "user", Content: fmt.Sprintf("That reply was not usable: %v. Answer again with only the JSON object.", perr)})
	}
}

func isCacheError(err error) bool {
	var ce cacheError
	return errors.As(err, &ce)
}

// cacheError marks failures of the on-disk cache.
type cacheError struct{ err error }

func (e cacheError) Error() string { return "llm cache: " + e.err.Error() }
func (e cacheError) Unwrap() error { return e.err }
