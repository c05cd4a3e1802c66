package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestParseBytes(t *testing.T) {
	for _, c := range []struct {
		in   string
		want uint64
	}{{"123", 123}, {"4G", 4 << 30}, {"512m", 512 << 20}, {" 2T ", 2 << 40}, {"8GB", 8 << 30}, {"1K", 1024},
		{"1.5G", 3 << 29}, {"64.5M", 129 << 19}} {
		if got, err := parseBytes(c.in); err != nil || got != c.want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "G", "0", "-1G", "0.5", "NaN", "Inf", "99999999999T", "lots"} {
		if n, err := parseBytes(bad); err == nil {
			t.Errorf("parseBytes(%q) = %d, want an error", bad, n)
		}
	}
}

// FuzzParseBytes: any text is a positive byte count or an error, never a
// panic or a wrapped-around count.
func FuzzParseBytes(f *testing.F) {
	for _, s := range []string{"8G", "", "B", "17179869184T"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseBytes(s)
		if err == nil && n == 0 {
			t.Fatalf("parseBytes(%q) = 0 without an error", s)
		}
	})
}

// TestMemoryCountsTheGrid: the households' grid (states × points) is in the
// estimate, so a grid too large for the memory allowed is refused before
// anything is allocated, naming the key to change; 255 × 100,000 points
// need over a gigabyte (a 7 × 100,000 grid was measured at 156 MB).
func TestMemoryCountsTheGrid(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	env := func(k string) string {
		if k == "SIM_MEMORY_LIMIT" {
			return "200M"
		}
		return ""
	}
	err := run(context.Background(), []string{"run", scen("aiyagari.toml"), "--set", "population.productivity.states=255",
		"--set", "agents.grid_points=100000", "--out", dir}, env, &out, &errb)
	if exitCode(err) != 2 || !strings.Contains(fmt.Sprint(err), "agents.grid_points: the households' grid") {
		t.Errorf("exit %d: %v", exitCode(err), err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("wrote %d files", len(entries))
	}
}
