package sweep

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/econsim/econsim/sim/rng"
	"github.com/econsim/econsim/sim/scenario"
)

// File is a sweep file's shape.
type File struct {
	Name       string           `toml:"name"`       // default: the sweep file's name
	Base       string           `toml:"base"`       // the base scenario, relative to the sweep file
	Replicates int              `toml:"replicates"` // runs per variant and grid point, ≥ 1; default 1
	Grid       map[string][]any `toml:"grid"`       // dotted key → values
	Variant    []Variant        `toml:"variant"`
	Output     string           `toml:"output"`     // sweep folder; default results/sweeps/{name}
	AgentsCSV  bool             `toml:"agents_csv"` // write each run's agents.csv (for 'sim report' of a run); default false
}

// Variant is a named set of overrides.
type Variant struct {
	Name string         `toml:"name"`
	Set  map[string]any `toml:"set"`
}

// Run is one run of a sweep.
type Run struct {
	Index     int         `json:"index"`
	ID        string      `json:"id"`
	Variant   string      `json:"variant"`
	Replicate int         `json:"replicate"`
	Seed      uint64      `json:"seed"`
	Config    string      `json:"config"`    // the resolved scenario's hash apart from the seed (scenario.ConfigHash)
	Overrides [][2]string `json:"overrides"` // dotted key, TOML value; variant first, then grid (sorted keys)
	Grid      [][2]string `json:"grid"`      // the grid part of Overrides
}

// Value returns the run's value for a grouping key: its variant for
// "variant", else the TOML literal of that grid key ("" when absent).
func (r Run) Value(key string) string {
	if key == "variant" {
		return r.Variant
	}
	for _, o := range r.Grid {
		if o[0] == key {
			return o[1]
		}
	}
	return ""
}

// Sweep is an expanded sweep file.
type Sweep struct {
	Name     string `json:"name"`
	File     string `json:"file"`
	BasePath string `json:"base"`
	Output   string `json:"-"`
	Runs     []Run  `json:"runs"`

	base      []byte // the base scenario's bytes
	agentsCSV bool   // runs write agents.csv
}

// Error is a problem with a sweep file (exit status 2 in the command).
type Error struct {
	File string
	Key  string
	Msg  string
}

func (e *Error) Error() string {
	if e.Key == "" {
		return e.File + ": " + e.Msg
	}
	return e.File + ": " + e.Key + ": " + e.Msg
}

var slugRe = regexp.MustCompile(`[^a-z0-9]+`)

func slug(s string) string {
	s = strings.Trim(slugRe.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if s == "" {
		return "base"
	}
	return s
}

// RunBytes is about how much memory one run of an expanded sweep takes
// before it runs (its Run, id and share of sweep.json); Load refuses an
// expansion whose runs would not fit in the memory limit it is given.
const RunBytes = 2048

// Load reads and expands a sweep file; the scenario of every variant and
// grid point is validated (so a bad grid value fails before anything runs).
// A positive memLimit (bytes) refuses, before expanding, a sweep whose run
// list or whose largest run would need more.
func Load(path string, memLimit uint64) (*Sweep, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Msg: err.Error()}
	}
	return Parse(path, data, memLimit)
}

// Parse is Load on the contents of the sweep file at path (the base
// scenario is still read from the file system, relative to path).
func Parse(path string, data []byte, memLimit uint64) (*Sweep, error) {
	f, err := decode(path, data)
	if err != nil {
		return nil, err
	}
	basePath := f.Base // relative to the sweep file, unless absolute
	if !filepath.IsAbs(basePath) {
		basePath = filepath.Join(filepath.Dir(path), basePath)
	}
	base, err := os.ReadFile(basePath)
	if err != nil {
		return nil, &Error{File: path, Key: "base", Msg: err.Error()}
	}
	baseScen, err := scenario.Parse(basePath, base, nil)
	if err != nil {
		return nil, err
	}
	s := &Sweep{Name: f.Name, File: path, BasePath: basePath, Output: f.Output, base: base, agentsCSV: f.AgentsCSV}
	variants := f.Variant
	if len(variants) == 0 {
		variants = []Variant{{Name: "base"}}
	}
	vsets, err := variantSets(path, variants)
	if err != nil {
		return nil, err
	}
	gridKeys, err := checkGrid(path, f.Grid)
	if err != nil {
		return nil, err
	}
	if err := checkSize(path, len(variants), f, gridKeys, memLimit); err != nil {
		return nil, err
	}
	points, err := gridPoints(path, f.Grid, gridKeys)
	if err != nil {
		return nil, err
	}
	owner := map[string]string{} // run id prefix → the variant that made it
	for vi, v := range variants {
		for _, p := range points {
			ovr := append(slices.Clone(vsets[vi]), p...)
			prefix := fmt.Sprintf("%s-%s", slug(v.Name), overrideHash(ovr))
			if other, ok := owner[prefix]; ok {
				return nil, &Error{File: path, Key: "variant", Msg: fmt.Sprintf(
					"variants %q and %q give the same run ids (%s-r…): their names slug alike and their overrides are equal; rename one or change its set", other, v.Name, prefix)}
			}
			owner[prefix] = v.Name
			config := ""
			for r := range f.Replicates {
				run := Run{
					Index: len(s.Runs), Variant: v.Name, Replicate: r, Overrides: ovr, Grid: p,
					ID:   fmt.Sprintf("%s-r%03d", prefix, r),
					Seed: ReplicateSeed(baseScen.Seed, r),
				}
				if r == 0 { // replicates differ only in their seed
					sc, err := s.Scenario(run)
					if err != nil {
						return nil, runError(path, v.Name, run, err)
					}
					if need := sc.MemoryEstimate(); memLimit > 0 && need > memLimit {
						return nil, &Error{File: path, Key: "variant " + strconv.Quote(v.Name), Msg: fmt.Sprintf(
							"run %s needs about %s of memory, more than this machine's %s", run.ID, scenario.FormatBytes(need), scenario.FormatBytes(memLimit))}
					}
					if config, err = sc.ConfigHash(); err != nil {
						return nil, err
					}
				}
				run.Config = config
				s.Runs = append(s.Runs, run)
			}
		}
	}
	return s, nil
}

// decode reads the sweep file's keys, fills its defaults and checks them.
func decode(path string, data []byte) (File, error) {
	f := File{Replicates: 1}
	md, err := toml.Decode(string(data), &f)
	if err != nil {
		return f, &Error{File: path, Msg: strings.TrimPrefix(err.Error(), "toml: ")}
	}
	if u := md.Undecoded(); len(u) > 0 {
		return f, &Error{File: path, Key: u[0].String(), Msg: "unknown key (want name, base, replicates, output, agents_csv, [grid], [[variant]])"}
	}
	if f.Base == "" {
		return f, &Error{File: path, Key: "base", Msg: "is required: the base scenario, relative to this file"}
	}
	if f.Replicates < 1 {
		return f, &Error{File: path, Key: "replicates", Msg: fmt.Sprintf("must be at least 1, got %d", f.Replicates)}
	}
	if f.Name == "" {
		f.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	if err := scenario.CheckName(f.Name); err != nil {
		return f, &Error{File: path, Key: "name", Msg: err.Error()}
	}
	if f.Output == "" {
		f.Output = filepath.Join("results", "sweeps", f.Name)
	}
	return f, nil
}

// ReplicateSeed derives replicate r's seed from the base seed: one
// SplitMix64 step past base + r·γ (γ its increment), kept below 2^62 so
// that it reads back from TOML as the same integer.
func ReplicateSeed(base uint64, r int) uint64 {
	return rng.SplitMix64(base+0x9e3779b97f4a7c15*uint64(r)) >> 2
}

// Scenario returns run's resolved scenario: the base with the run's
// overrides and seed.
func (s *Sweep) Scenario(run Run) (*scenario.Scenario, error) {
	sets := make([]string, 0, len(run.Overrides)+1)
	for _, o := range run.Overrides {
		if o[0] == "seed" {
			return nil, errors.New("seed cannot be overridden: seeds come from the replicates")
		}
		sets = append(sets, o[0]+"="+o[1])
	}
	sets = append(sets, "seed="+strconv.FormatUint(run.Seed, 10))
	return scenario.Parse(s.BasePath, s.base, sets)
}

// runError says where in the sweep file at path a run's bad value comes
// from: the grid point or the variant that set the key the scenario
// refused (a key of the base file is the base's error, as it is).
func runError(path, variant string, run Run, err error) error {
	var se scenario.Errors
	if !errors.As(err, &se) {
		return fmt.Errorf("run %s: %w", run.ID, err)
	}
	where, msgs := "", []string{}
	for _, e := range se {
		if e.File != "--set" {
			msgs = append(msgs, e.Error())
			continue
		}
		key, _, _ := strings.Cut(e.Key, "[")
		w := "variant " + strconv.Quote(variant) + " sets " + key
		for _, g := range run.Grid {
			if g[0] == key {
				w = "grid." + key + " = " + g[1]
			}
		}
		if where == "" {
			where = w
		}
		msgs = append(msgs, fmt.Sprintf("%s: %s", e.Key, e.Msg))
	}
	return &Error{File: path, Key: where, Msg: fmt.Sprintf("run %s (variant %q): %s", run.ID, variant, strings.Join(msgs, "; "))}
}

// overrides turns a variant's set table into sorted (key, literal) pairs.
func overrides(m map[string]any) ([][2]string, error) {
	var out [][2]string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		lit, err := literal(m[k])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		out = append(out, [2]string{k, lit})
	}
	return out, nil
}

// literal renders a TOML value as the --set text that parses back to it.
func literal(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	case bool:
		return strconv.FormatBool(x), nil
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			p, err := literal(e)
			if err != nil {
				return "", err
			}
			parts[i] = p
		}
		return "[" + strings.Join(parts, ", ") + "]", nil
	}
	return "", fmt.Errorf("unsupported value %v (%T)", v, v)
}
