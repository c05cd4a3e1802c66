package scenario

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"

	"github.com/BurntSushi/toml"
)

// ConfigHash identifies what a run of s computes apart from its seed: the
// SHA-256 (first 16 hex digits) of the resolved scenario encoded with seed
// 0. A sweep records it for each run, so a run made from an older version
// of the scenario is never taken for a current one.
func (s *Scenario) ConfigHash() (string, error) {
	c := *s
	c.Seed = 0
	b, err := c.Encode()
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8]), nil
}

// Diff lists the keys whose values differ between two scenario documents,
// as "key: old → new" (absent values shown as "absent"), sorted by key.
func Diff(old, cur []byte) ([]string, error) {
	var a, b map[string]any
	if _, err := toml.Decode(string(old), &a); err != nil {
		return nil, err
	}
	if _, err := toml.Decode(string(cur), &b); err != nil {
		return nil, err
	}
	fa, fb := map[string]string{}, map[string]string{}
	flatten(a, "", fa)
	flatten(b, "", fb)
	keys := map[string]bool{}
	for k := range fa {
		keys[k] = true
	}
	for k := range fb {
		keys[k] = true
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		va, oka := fa[k]
		vb, okb := fb[k]
		if oka && okb && va == vb {
			continue
		}
		if !oka {
			va = "absent"
		}
		if !okb {
			vb = "absent"
		}
		out = append(out, fmt.Sprintf("%s: %s → %s", k, va, vb))
	}
	return out, nil
}

func flatten(m map[string]any, prefix string, out map[string]string) {
	for k, v := range m {
		key := joinKey(prefix, k)
		if sub, ok := v.(map[string]any); ok {
			flatten(sub, key, out)
			continue
		}
		out[key] = fmt.Sprint(v)
	}
}
