package sweep

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"

	"github.com/econsim/econsim/sim/scenario"
)

// variantSets checks the variants' names and keys and returns each one's
// overrides.
func variantSets(path string, variants []Variant) ([][][2]string, error) {
	seen := map[string]bool{}
	var vsets [][][2]string
	for i, v := range variants {
		key := fmt.Sprintf("variant[%d]", i)
		if v.Name == "" {
			return nil, &Error{File: path, Key: key + ".name", Msg: "every variant needs a name"}
		}
		if seen[v.Name] {
			return nil, &Error{File: path, Key: key + ".name", Msg: fmt.Sprintf("duplicate variant name %q", v.Name)}
		}
		seen[v.Name] = true
		for k := range v.Set {
			if err := checkOverrideKey(k); err != nil {
				return nil, &Error{File: path, Key: fmt.Sprintf("%s.set.%q", key, k), Msg: err.Error()}
			}
		}
		sets, err := overrides(v.Set)
		if err != nil {
			return nil, &Error{File: path, Key: key + ".set", Msg: err.Error()}
		}
		vsets = append(vsets, sets)
	}
	return vsets, nil
}

// checkOverrideKey reports whether a sweep may override key.
func checkOverrideKey(k string) error {
	if k == "seed" {
		return errors.New("seeds come from the replicates; use replicates instead")
	}
	return scenario.CheckKey(k)
}

// checkGrid checks the grid's keys and returns them sorted.
func checkGrid(path string, grid map[string][]any) ([]string, error) {
	keys := slices.Sorted(maps.Keys(grid))
	for _, k := range keys {
		if err := checkOverrideKey(k); err != nil {
			return nil, &Error{File: path, Key: fmt.Sprintf("grid.%q", k), Msg: err.Error()}
		}
		if len(grid[k]) == 0 {
			return nil, &Error{File: path, Key: "grid." + k, Msg: "needs at least one value"}
		}
	}
	return keys, nil
}

// checkSize refuses, before expansion, a sweep whose run list would not fit
// in memLimit bytes (0: no limit).
func checkSize(path string, variants int, f File, gridKeys []string, memLimit uint64) error {
	runs := uint64(variants)
	over := false
	mul := func(n int) {
		if n > 0 && runs > math.MaxUint64/uint64(n) {
			over = true
			return
		}
		runs *= uint64(n)
	}
	for _, k := range gridKeys {
		mul(len(f.Grid[k]))
	}
	mul(f.Replicates)
	if memLimit == 0 {
		return nil
	}
	if over || runs > memLimit/RunBytes {
		n := "more than 2^64"
		if !over {
			n = strconv.FormatUint(runs, 10)
		}
		return &Error{File: path, Key: "replicates", Msg: fmt.Sprintf(
			"the sweep expands to %s runs (variants × grid points × replicates), whose run list alone needs about %s of memory, more than this machine's %s",
			n, scenario.FormatBytes(runs*RunBytes), scenario.FormatBytes(memLimit))}
	}
	return nil
}

// gridPoints expands the grid: every combination of values, the last key
// varying fastest.
func gridPoints(path string, grid map[string][]any, keys []string) ([][][2]string, error) {
	points := [][][2]string{nil}
	for _, k := range keys {
		var next [][][2]string
		for _, p := range points {
			for _, val := range grid[k] {
				lit, err := literal(val)
				if err != nil {
					return nil, &Error{File: path, Key: "grid." + k, Msg: err.Error()}
				}
				next = append(next, append(slices.Clone(p), [2]string{k, lit}))
			}
		}
		points = next
	}
	return points, nil
}

// overrideHash is the part of a run id that names its overrides.
func overrideHash(ovr [][2]string) string {
	h := sha256.New()
	for _, o := range ovr {
		fmt.Fprintf(h, "%s=%s\n", o[0], o[1])
	}
	return hex.EncodeToString(h.Sum(nil))[:8]
}
