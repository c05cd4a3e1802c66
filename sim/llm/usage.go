package llm

import "fmt"

// Usage counts what the client did. Calls are completions used (from the
// network or the cache); Requests are HTTP requests made, Retries the
// requests after a first failed attempt.
type Usage struct {
	Calls, CacheHits, Requests, Retries int64
	TokensIn, TokensOut                 int64
	Cost                                float64 // of every completion used, at the configured price
	SpentCost                           float64 // of the completions fetched over the network
	Decisions                           int64   // decisions asked for (AskJSON calls)
	Fallbacks                           int64   // decisions the caller made without a valid reply
}

// Sub returns u − v, for per-round deltas.
func (u Usage) Sub(v Usage) Usage {
	return Usage{u.Calls - v.Calls, u.CacheHits - v.CacheHits, u.Requests - v.Requests, u.Retries - v.Retries,
		u.TokensIn - v.TokensIn, u.TokensOut - v.TokensOut, u.Cost - v.Cost, u.SpentCost - v.SpentCost,
		u.Decisions - v.Decisions, u.Fallbacks - v.Fallbacks}
}

// Usage returns the counters so far. Costs are computed from the integer
// token totals, so they do not depend on the order in which concurrent
// calls finished: equal runs report equal costs, to the last bit.
func (c *Client) Usage() Usage {
	c.mu.Lock()
	defer c.mu.Unlock()
	u := c.usage
	u.Cost = c.price(u.TokensIn, u.TokensOut)
	u.SpentCost = c.price(c.netIn, c.netOut)
	return u
}

func (c *Client) price(in, out int64) float64 {
	return (float64(in)*c.cfg.InputPerMillion + float64(out)*c.cfg.OutputPerMillion) / 1e6
}

// AddFallback counts a decision made without a valid reply.
func (c *Client) AddFallback() {
	c.mu.Lock()
	c.usage.Fallbacks++
	c.mu.Unlock()
}

// SetBudget makes the client refuse, with a FatalError, any request that
// could take the money spent over the network past max (0: no limit): a
// request is costed before it is sent at its prompt's tokens (counted as a
// token per 3 bytes, more than models use) and max_tokens of reply, so the
// budget holds in a run's first round too, before any cost is known.
func (c *Client) SetBudget(max float64) {
	c.mu.Lock()
	c.budget = max
	c.mu.Unlock()
}

// reserve books the most a request of msgs could cost against the budget;
// release returns the booking once its real cost is accounted.
func (c *Client) reserve(msgs []Message) (release func(), err error) {
	bytes := 0
	for _, m := range msgs {
		bytes += len(m.Content) + len(m.Role) + 8
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.budget <= 0 {
		return func() {}, nil
	}
	most := c.price(int64(bytes/3+1), int64(c.cfg.MaxTokens))
	spent := c.price(c.netIn, c.netOut)
	if spent+c.reserved+most > c.budget {
		return nil, &FatalError{Endpoint: c.cfg.BaseURL, Msg: fmt.Sprintf(
			"the LLM budget of $%.4f could be passed: $%.4f spent, $%.4f in flight, and this request could cost up to $%.4f; raise llm.max_cost (or --max-cost), or lower the calls a round (llm.archetypes, llm.samples)",
			c.budget, spent, c.reserved, most)}
	}
	c.reserved += most
	return func() {
		c.mu.Lock()
		c.reserved -= most
		c.mu.Unlock()
	}, nil
}

func (c *Client) account(r Reply) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.usage.Calls++
	c.usage.TokensIn += int64(r.TokensIn)
	c.usage.TokensOut += int64(r.TokensOut)
	if r.Cached {
		c.usage.CacheHits++
	} else {
		c.netIn += int64(r.TokensIn)
		c.netOut += int64(r.TokensOut)
	}
}
