package llm

import (
	"encoding/json"
	"errors"
	"strings"
)

// ErrNoJSON is returned by ExtractJSON when the text holds no JSON object.
var ErrNoJSON = errors.New("no JSON object in the reply")

// ExtractJSON returns the first complete JSON object in text, tolerating
// prose, code fences and trailing text around it: it scans from each '{'
// for the matching '}' (minding strings and escapes) and keeps the first
// span that parses.
func ExtractJSON(text string) (json.RawMessage, error) {
	for start := strings.IndexByte(text, '{'); start >= 0; {
		depth, inStr, esc := 0, false, false
		for i := start; i < len(text); i++ {
			ch := text[i]
			switch {
			case esc:
				esc = false
			case inStr && ch == '\\':
				esc = true
			case ch == '"':
				inStr = !inStr
			case inStr:
			case ch == '{':
				depth++
			case ch == '}':
				depth--
				if depth == 0 {
					span := text[start : i+1]
					if json.Valid([]byte(span)) {
						return json.RawMessage(span), nil
					}
					i = len(text) // not valid: try the next '{'
				}
			}
		}
		next := strings.IndexByte(text[start+1:], '{')
		if next < 0 {
			break
		}
		start += 1 + next
	}
	return nil, ErrNoJSON
}
