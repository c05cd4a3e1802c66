package scenario

import (
	"fmt"
	"strings"
)

// Error is one problem with a scenario, located as precisely as we can.
type Error struct {
	File string // the scenario file, or "--set" for an override
	Line int    // 1-based line of the key in File; 0 when unknown (a default)
	Key  string // dotted key, e.g. population.agents
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Key != "" {
		b.WriteString(": " + e.Key)
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

// Errors is every problem found in one scenario, in file order where known.
type Errors []*Error

func (es Errors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}
