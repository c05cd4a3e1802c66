package llmtest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func post(t *testing.T, s *Server, body string) (int, string, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.BaseURL()+"/chat/completions", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer k")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error(), nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// TestServer: a scripted reply with usage counted in words, a scripted
// status with Retry-After, a raw body, a bad request, the fields a request
// carried, and the counters.
func TestServer(t *testing.T) {
	var got Request
	s := New(func(r Request) Response {
		got = r
		switch r.LastUser() {
		case "busy":
			return Response{Status: 429, RetryAfter: "2"}
		case "raw":
			return Response{Body: "<html>"}
		}
		return Response{Content: "two words"}
	})
	defer s.Close()
	code, body, _ := post(t, s, `{"model":"m","messages":[{"role":"user","content":"three little words"}],"max_completion_tokens":5}`)
	var reply struct {
		Choices []struct{ Message struct{ Content string } }
		Usage   struct{ PromptTokens, CompletionTokens int } `json:"usage"`
	}
	json.Unmarshal([]byte(body), &reply)
	if code != 200 || reply.Choices[0].Message.Content != "two words" {
		t.Errorf("reply %d %s", code, body)
	}
	if !got.Fields["max_completion_tokens"] || got.Fields["max_tokens"] || got.MaxCompletionTokens != 5 || got.Auth != "Bearer k" {
		t.Errorf("request seen as %+v", got)
	}
	if code, _, h := post(t, s, `{"messages":[{"role":"user","content":"busy"}]}`); code != 429 || h.Get("Retry-After") != "2" {
		t.Errorf("scripted 429: %d %v", code, h)
	}
	if code, body, _ := post(t, s, `{"messages":[{"role":"user","content":"raw"}]}`); code != 200 || body != "<html>" {
		t.Errorf("raw body: %d %q", code, body)
	}
	if code, _, _ := post(t, s, `{not json`); code != 400 {
		t.Errorf("bad json: %d", code)
	}
	if s.Requests() != 4 || s.MaxInFlight() != 1 || len(s.Arrivals()) != 4 || !s.SawAuth("Bearer k") {
		t.Errorf("counters: %d requests, %d in flight, %d arrivals", s.Requests(), s.MaxInFlight(), len(s.Arrivals()))
	}
}
