package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/econsim/econsim/sim/scenario"
)

// memoryLimit returns the bytes this process may use and where that limit
// comes from: SIM_MEMORY_LIMIT (bytes, or with a K/M/G/T suffix) if set,
// else the smaller of the cgroup's limit (v2 memory.max, v1
// memory.limit_in_bytes) and the machine's MemTotal. 0 means unknown.
func memoryLimit(env func(string) string) (uint64, string, error) {
	if v := env("SIM_MEMORY_LIMIT"); v != "" {
		n, err := parseBytes(v)
		if err != nil {
			return 0, "", usagef("SIM_MEMORY_LIMIT=%q: %v", v, err)
		}
		return n, "SIM_MEMORY_LIMIT", nil
	}
	limit, from := uint64(0), ""
	take := func(n uint64, src string) {
		if n > 0 && (limit == 0 || n < limit) {
			limit, from = n, src
		}
	}
	take(memTotal(), "/proc/meminfo MemTotal")
	for _, p := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		if b, err := os.ReadFile(p); err == nil {
			if n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64); err == nil {
				take(n, p)
			}
		}
	}
	return limit, from, nil
}

func memTotal() uint64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err == nil {
				return kb * 1024
			}
		}
	}
	return 0
}

// parseBytes reads "123", "4G", "512M", "64.5M", "2T" (binary multiples).
func parseBytes(s string) (uint64, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.ToUpper(strings.TrimSpace(s)), "B"))
	mult := uint64(1)
	if s != "" {
		if i := strings.IndexByte("KMGT", s[len(s)-1]); i >= 0 {
			mult = 1 << (10 * (i + 1))
			s = s[:len(s)-1]
		}
	}
	x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	n := x * float64(mult)
	if err != nil || !(n >= 1) || n >= 1<<63 {
		return 0, fmt.Errorf("want a positive number of bytes like 8G, 512M or 64.5M")
	}
	return uint64(n), nil
}

// checkMemory refuses (exit status 2) a scenario whose run would need more
// memory than this machine allows, before anything is allocated.
func checkMemory(file string, s *scenario.Scenario, env func(string) string) error {
	limit, from, err := memoryLimit(env)
	if err != nil || limit == 0 {
		return err
	}
	need := s.MemoryEstimate()
	switch {
	case need <= limit:
	case s.GridBytes() > need/2:
		return usagef("%s: agents.grid_points: the households' grid (productivity states × grid points) needs about %s of memory, more than this machine's %s (%s); lower agents.grid_points or the number of states",
			file, scenario.FormatBytes(need), scenario.FormatBytes(limit), from)
	default:
		return usagef("%s: population.agents: a run of %d workers needs about %s of memory, more than this machine's %s (%s); lower population.agents or run on a larger machine",
			file, s.Population.Agents, scenario.FormatBytes(need), scenario.FormatBytes(limit), from)
	}
	return nil
}
