// Package llmtest is an in-process OpenAI-compatible server for tests: it
// implements POST /v1/chat/completions over real HTTP (net/http/httptest),
// answers as a test scripts it, and measures what clients do to it —
// requests, requests in flight at most, and when each arrived.
package llmtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Request is what the server received.
type Request struct {
	Model       string    `json:"model"`
	Messages    []Message `json:"messages"`
	Temperature float64   `json:"temperature"`
	MaxTokens   int       `json:"max_tokens"`
	// MaxCompletionTokens is the newer models' name for the reply limit.
	MaxCompletionTokens int  `json:"max_completion_tokens"`
	Seed                *int `json:"seed"`
	// Fields lists the top-level fields the request carried.
	Fields map[string]bool `json:"-"`
	Auth   string          `json:"-"` // the Authorization header
	N      int             `json:"-"` // 1-based arrival number
}

// Message is a chat message.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// LastUser is the content of the last user message.
func (r Request) LastUser() string {
	for i := len(r.Messages) - 1; i >= 0; i-- {
		if r.Messages[i].Role == "user" {
			return r.Messages[i].Content
		}
	}
	return ""
}

// Response scripts one answer.
type Response struct {
	Content    string        // the assistant's reply (status 200)
	Status     int           // HTTP status; 0 means 200
	RetryAfter string        // Retry-After header, for 429/503
	Delay      time.Duration // wait before answering
	Truncate   bool          // send half the body and close the connection
	Body       string        // with Status: this error body instead of the scripted one; alone: this raw 200 body
	// ContentType replaces application/json (an error page in text/html, say).
	ContentType string
	Empty       bool // with Status: no body at all
	TokensIn    int  // usage.prompt_tokens; default: words in the prompt
	TokensOut   int  // usage.completion_tokens; default: words in the reply
}

// Server is the test server.
type Server struct {
	*httptest.Server
	// Reply decides each answer; it may be called concurrently.
	Reply func(Request) Response
	// Delay is added to every answer (a slow endpoint, say 50 ms).
	Delay time.Duration

	count    atomic.Int64
	inflight atomic.Int64
	maxIn    atomic.Int64
	mu       sync.Mutex
	arrivals []time.Time
	auths    map[string]bool
}

// New starts a server answering with reply; Close it when done.
func New(reply func(Request) Response) *Server {
	s := &Server{Reply: reply, auths: map[string]bool{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.handle))
	return s
}

// BaseURL is the base_url a client should use.
func (s *Server) BaseURL() string { return s.URL + "/v1" }

// Requests is the number of requests received.
func (s *Server) Requests() int64 { return s.count.Load() }

// MaxInFlight is the most requests that were ever being answered at once.
func (s *Server) MaxInFlight() int64 { return s.maxIn.Load() }

// Arrivals returns when each request arrived.
func (s *Server) Arrivals() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.arrivals...)
}

// SawAuth reports whether some request carried this Authorization header.
func (s *Server) SawAuth(h string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.auths[h]
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		http.Error(w, `{"error":{"message":"not found","type":"invalid_request_error"}}`, http.StatusNotFound)
		return
	}
	n := s.count.Add(1)
	in := s.inflight.Add(1)
	defer s.inflight.Add(-1)
	for {
		m := s.maxIn.Load()
		if in <= m || s.maxIn.CompareAndSwap(m, in) {
			break
		}
	}
	s.mu.Lock()
	s.arrivals = append(s.arrivals, time.Now())
	s.auths[r.Header.Get("Authorization")] = true
	s.mu.Unlock()
	req, err := readRequest(r, int(n))
	if err != nil {
		http.Error(w, `{"error":{"message":"bad json","type":"invalid_request_error"}}`, http.StatusBadRequest)
		return
	}
	resp := s.Reply(req)
	if d := s.Delay + resp.Delay; d > 0 {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
	}
	ct := "application/json"
	if resp.ContentType != "" {
		ct = resp.ContentType
	}
	w.Header().Set("Content-Type", ct)
	if resp.Status != 0 && resp.Status != http.StatusOK {
		writeStatus(w, resp)
		return
	}
	if resp.Body != "" {
		fmt.Fprint(w, resp.Body)
		return
	}
	if resp.TokensIn == 0 {
		for _, m := range req.Messages {
			resp.TokensIn += len(strings.Fields(m.Content))
		}
	}
	if resp.TokensOut == 0 {
		resp.TokensOut = len(strings.Fields(resp.Content))
	}
	body, _ := json.Marshal(map[string]any{
		"id": fmt.Sprintf("chatcmpl-%d", n), "object": "chat.completion", "created": 0, "model": req.Model,
		"choices": []map[string]any{{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": resp.Content}}},
		"usage": map[string]int{"prompt_tokens": resp.TokensIn, "completion_tokens": resp.TokensOut,
			"total_tokens": resp.TokensIn + resp.TokensOut},
	})
	if resp.Truncate {
		// Promise the whole body, send half, and drop the connection.
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.Write(body[:len(body)/2])
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		panic(http.ErrAbortHandler)
	}
	w.Write(body)
}

// readRequest decodes the n-th request's body, noting the fields it
// carried and its Authorization header.
func readRequest(r *http.Request, n int) (Request, error) {
	var raw map[string]json.RawMessage
	var req Request
	body, err := io.ReadAll(r.Body)
	if err == nil {
		err = json.Unmarshal(body, &raw)
	}
	if err == nil {
		err = json.Unmarshal(body, &req)
	}
	if err != nil {
		return req, err
	}
	req.Fields = map[string]bool{}
	for k := range raw {
		req.Fields[k] = true
	}
	req.Auth, req.N = r.Header.Get("Authorization"), n
	return req, nil
}

// writeStatus answers with resp's error status: its Retry-After, then no
// body, its Body, or an OpenAI-style error object.
func writeStatus(w http.ResponseWriter, resp Response) {
	if resp.RetryAfter != "" {
		w.Header().Set("Retry-After", resp.RetryAfter)
	}
	w.WriteHeader(resp.Status)
	switch {
	case resp.Empty:
	case resp.Body != "":
		fmt.Fprint(w, resp.Body)
	default:
		fmt.Fprintf(w, `{"error":{"message":"scripted %d","type":"server_error"}}`, resp.Status)
	}
}
