package scenario

import (
	"regexp"
	"strings"
)

// keyLines maps every dotted key written in a TOML document to the line it
// is written on (tables to their header line, inline-table keys to the line
// of the inline table). It is a light scanner used only to locate errors;
// the decoder remains the judge of what is valid TOML.
func keyLines(data []byte) map[string]int {
	m := map[string]int{}
	table := ""
	for i, raw := range strings.Split(string(data), "\n") {
		ln := i + 1
		t := strings.TrimSpace(stripComment(raw))
		if t == "" {
			continue
		}
		if strings.HasPrefix(t, "[") {
			table = normKey(strings.Trim(t, "[] \t"))
			setLine(m, table, ln)
			continue
		}
		eq := indexOutsideQuotes(t, '=')
		if eq < 0 {
			continue // inside a multi-line array
		}
		full := joinKey(table, normKey(t[:eq]))
		setLine(m, full, ln)
		rest := strings.TrimSpace(t[eq+1:])
		if strings.HasPrefix(rest, "{") {
			for _, mm := range inlineKey.FindAllStringSubmatch(rest, -1) {
				setLine(m, joinKey(full, normKey(mm[1])), ln)
			}
		}
	}
	return m
}

var inlineKey = regexp.MustCompile(`[{,]\s*("[^"]*"|[A-Za-z0-9_\-.]+)\s*=`)

func setLine(m map[string]int, key string, ln int) {
	if _, ok := m[key]; !ok {
		m[key] = ln
	}
}

func joinKey(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// normKey turns `a . "b.c"` into `a.b.c` (good enough for locating lines).
func normKey(k string) string {
	parts := strings.Split(k, ".")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), `"'`)
	}
	return strings.Join(parts, ".")
}

func stripComment(s string) string {
	if i := indexOutsideQuotes(s, '#'); i >= 0 {
		return s[:i]
	}
	return s
}

func indexOutsideQuotes(s string, c byte) int {
	var quote byte
	for i := 0; i < len(s); i++ {
		switch {
		case quote != 0:
			if s[i] == '\\' && quote == '"' {
				i++
			} else if s[i] == quote {
				quote = 0
			}
		case s[i] == '"' || s[i] == '\'':
			quote = s[i]
		case s[i] == c:
			return i
		}
	}
	return -1
}

// lineOf returns the line of key, or of its closest written parent.
func lineOf(lines map[string]int, key string) int {
	for k := key; k != ""; {
		if ln, ok := lines[k]; ok {
			return ln
		}
		i := strings.LastIndexByte(k, '.')
		if i < 0 {
			break
		}
		k = k[:i]
	}
	return 0
}

// KeyLine returns the line the dotted key is written on in the TOML
// document data (its table's, or the nearest enclosing key's), 0 if none.
func KeyLine(data []byte, key string) int { return lineOf(keyLines(data), key) }
