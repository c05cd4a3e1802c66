package llm

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// entry is one cached reply.
type entry struct {
	Key       string `json:"key"`
	Model     string `json:"model"`
	Prompt    string `json:"prompt"` // the last user message, for people reading the cache
	Content   string `json:"content"`
	TokensIn  int    `json:"tokens_in"`
	TokensOut int    `json:"tokens_out"`
}

// cacheKey hashes everything that determines a reply.
func cacheKey(model string, msgs []Message, temperature float64, seed, maxTokens int, jsonMode bool) string {
	b, _ := json.Marshal(struct {
		Model       string    `json:"model"`
		Messages    []Message `json:"messages"`
		Temperature float64   `json:"temperature"`
		Seed        int       `json:"seed"`
		MaxTokens   int       `json:"max_tokens"`
		JSONMode    bool      `json:"json_mode"`
	}{model, msgs, temperature, seed, maxTokens, jsonMode})
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// diskCache stores one file per reply, at dir/ab/abcdef….json.
type diskCache struct{ dir string }

func (c diskCache) path(key string) string { return filepath.Join(c.dir, key[:2], key+".json") }

// get returns the entry for key, or ok = false on a miss.
func (c diskCache) get(key string) (entry, bool, error) {
	b, err := os.ReadFile(c.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return entry{}, false, nil
	}
	if err != nil {
		return entry{}, false, err
	}
	var e entry
	if err := json.Unmarshal(b, &e); err != nil || e.Key != key {
		return entry{}, false, fmt.Errorf("%s is damaged; delete it to fetch the reply again", c.path(key))
	}
	return e, true, nil
}

// put writes the entry atomically (temporary file, then rename), so that
// concurrent writers of the same key leave one whole file.
func (c diskCache) put(e entry) error {
	p := c.path(e.Key)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return err
	}
	_, err = f.Write(append(b, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}
