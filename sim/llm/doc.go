// Package llm is econsim's client for OpenAI-compatible chat-completion
// endpoints (OpenAI, vLLM, Ollama, OpenRouter, …), built on go-openai.
//
// It bounds the requests in flight (MaxConcurrency) and their rate
// (RequestsPerMinute), retries 429s, 5xx, time-outs and broken replies with
// exponential backoff and jitter (honouring Retry-After), gives every call a
// time-out, and stops at once when the caller's context is cancelled.
//
// Replies are cached on disk, content-addressed by everything that
// determines them (model, messages, temperature, seed, max_tokens, JSON
// mode), one file per reply written atomically, so concurrent writers cannot
// corrupt the cache. In replay mode the network is never used and a miss is
// an error naming the prompt: a replayed run reproduces the recorded one.
//
// Accounting: every completion used, from the network or the cache, counts
// its tokens (from the reply's usage) and its cost at the configured price;
// requests, retries and cache hits are counted too. Cost is therefore what
// the run's completions cost as priced, identical in a replay; SpentCost
// counts only what went over the network.
//
// The API key is read from the environment variable named by APIKeyEnv. It
// never appears in a configuration, a log, an output file or an error.
package llm
