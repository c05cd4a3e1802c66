package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// goldenFile holds every scenario's outputs as they were last accepted
// (refreshed with -update): a refactor must leave them byte-identical, and
// a change of results must be deliberate. Results are byte-identical for
// any number of workers; on amd64, where Go never fuses a multiply-add,
// also across machines.
var goldenFile = filepath.Join("testdata", "outputs.golden.json.gz")

// agentBlock is how many agents.csv rows one digest covers.
const agentBlock = 1000

// outputPrint is what the golden file keeps of a run's outputs that do not
// depend on the machine: scenario.toml without its header (and the LLM
// test server's address and cache folder), rounds.csv, and summary.json
// without perf and version, verbatim; of agents.csv, which is large, the
// header, each column's sum and a digest of every block of rows.
type outputPrint struct {
	Scenario    string    `json:"scenario"`
	Rounds      string    `json:"rounds"`
	Summary     string    `json:"summary"`
	AgentHeader []string  `json:"agent_header"`
	AgentSums   []float64 `json:"agent_sums"`
	AgentBlocks []string  `json:"agent_blocks"`
}

// fingerprint reads the outputs of the run in dir.
func fingerprint(t *testing.T, dir string) *outputPrint {
	t.Helper()
	p := &outputPrint{}
	scen := readFile(t, filepath.Join(dir, "scenario.toml"))
	if _, body, ok := bytes.Cut(scen, []byte("\n\n")); ok {
		scen = body
	}
	var b strings.Builder
	for _, line := range strings.Split(string(scen), "\n") {
		if k := strings.TrimSpace(line); !strings.HasPrefix(k, "base_url =") && !strings.HasPrefix(k, "cache =") {
			b.WriteString(line + "\n")
		}
	}
	p.Scenario = b.String()
	p.Rounds = string(readFile(t, filepath.Join(dir, "rounds.csv")))
	var sum map[string]any
	if err := json.Unmarshal(readFile(t, filepath.Join(dir, "summary.json")), &sum); err != nil {
		t.Fatal(err)
	}
	delete(sum, "perf")
	delete(sum, "version")
	js, _ := json.MarshalIndent(sum, "", " ") // keys sorted
	p.Summary = string(js)
	rows, err := csv.NewReader(bytes.NewReader(readFile(t, filepath.Join(dir, "agents.csv")))).ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("agents.csv: %v", err)
	}
	p.AgentHeader = rows[0]
	p.AgentSums = make([]float64, len(rows[0]))
	h := sha256.New()
	for i, row := range rows[1:] {
		for c, v := range row {
			x, _ := strconv.ParseFloat(v, 64)
			p.AgentSums[c] += x
		}
		h.Write([]byte(strings.Join(row, ",") + "\n"))
		if (i+1)%agentBlock == 0 || i == len(rows)-2 {
			p.AgentBlocks = append(p.AgentBlocks, hex.EncodeToString(h.Sum(nil))[:16])
			h.Reset()
		}
	}
	return p
}

// checkOutputs compares every run's outputs with the golden file's and, for
// a run that changed, says which file, row and column, and by how much.
func checkOutputs(t *testing.T, got map[string]*outputPrint) {
	t.Helper()
	if runtime.GOARCH != "amd64" {
		t.Skip("golden outputs are recorded on amd64")
	}
	if *update {
		var b bytes.Buffer
		z := gzip.NewWriter(&b)
		enc := json.NewEncoder(z)
		enc.SetIndent("", " ")
		if err := enc.Encode(got); err != nil { // map keys sorted
			t.Fatal(err)
		}
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenFile, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	z, err := gzip.NewReader(bytes.NewReader(readFile(t, goldenFile)))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]*outputPrint{}
	if err := json.NewDecoder(z).Decode(&want); err != nil {
		t.Fatal(err)
	}
	for _, n := range slices.Sorted(maps.Keys(got)) {
		w := want[n]
		if w == nil {
			t.Errorf("%s: not in %s; refresh with go test ./cmd/sim -run TestEveryScenarioRuns -update", n, goldenFile)
			continue
		}
		if diffs := outputDiffs(w, got[n]); len(diffs) > 0 {
			t.Errorf("%s: outputs changed; if intended, refresh with go test ./cmd/sim -run TestEveryScenarioRuns -update\n  %s", n, strings.Join(diffs, "\n  "))
		}
	}
}

// maxDiffs is how many differences a changed file reports.
const maxDiffs = 5

// outputDiffs lists how the outputs got differ from the golden ones w.
func outputDiffs(w, got *outputPrint) []string {
	var d []string
	d = append(d, lineDiffs("scenario.toml", w.Scenario, got.Scenario)...)
	d = append(d, csvDiffs("rounds.csv", w.Rounds, got.Rounds)...)
	d = append(d, lineDiffs("summary.json", w.Summary, got.Summary)...)
	if !slices.Equal(w.AgentHeader, got.AgentHeader) {
		return append(d, fmt.Sprintf("agents.csv: columns %v, were %v", got.AgentHeader, w.AgentHeader))
	}
	n := 0
	for c, name := range w.AgentHeader {
		if a, b := w.AgentSums[c], got.AgentSums[c]; a != b && !(math.IsNaN(a) && math.IsNaN(b)) && n < maxDiffs {
			d = append(d, fmt.Sprintf("agents.csv column %s: sum %s, was %s (%s)", name, fmtNum(b), fmtNum(a), relChange(a, b)))
			n++
		}
	}
	for k := range max(len(w.AgentBlocks), len(got.AgentBlocks)) {
		if k >= len(w.AgentBlocks) || k >= len(got.AgentBlocks) || w.AgentBlocks[k] != got.AgentBlocks[k] {
			d = append(d, fmt.Sprintf("agents.csv: rows %d–%d differ first", k*agentBlock+1, (k+1)*agentBlock))
			break
		}
	}
	return d
}

// lineDiffs reports the first lines of file that differ.
func lineDiffs(file, was, now string) []string {
	a, b := strings.Split(was, "\n"), strings.Split(now, "\n")
	var d []string
	for i := range max(len(a), len(b)) {
		x, y := at(a, i), at(b, i)
		if x != y && len(d) < maxDiffs {
			d = append(d, fmt.Sprintf("%s line %d: %q, was %q", file, i+1, y, x))
		}
	}
	return d
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "(none)"
}

// csvDiffs reports the first cells of a CSV file that differ, by row and
// column name, with the relative change of numbers.
func csvDiffs(file, was, now string) []string {
	a, errA := csv.NewReader(strings.NewReader(was)).ReadAll()
	b, errB := csv.NewReader(strings.NewReader(now)).ReadAll()
	if errA != nil || errB != nil || len(a) == 0 || len(b) == 0 {
		return lineDiffs(file, was, now)
	}
	if !slices.Equal(a[0], b[0]) {
		return []string{fmt.Sprintf("%s: columns %v, were %v", file, b[0], a[0])}
	}
	var d []string
	if len(a) != len(b) {
		d = append(d, fmt.Sprintf("%s: %d rows, were %d", file, len(b)-1, len(a)-1))
	}
	for r := 1; r < min(len(a), len(b)) && len(d) < maxDiffs; r++ {
		for c := range a[r] {
			if c < len(b[r]) && a[r][c] != b[r][c] && len(d) < maxDiffs {
				x, _ := strconv.ParseFloat(a[r][c], 64)
				y, _ := strconv.ParseFloat(b[r][c], 64)
				d = append(d, fmt.Sprintf("%s row %d, column %s: %s, was %s (%s)", file, r, a[0][c], b[r][c], a[r][c], relChange(x, y)))
			}
		}
	}
	return d
}

// relChange is y against x, relative.
func relChange(x, y float64) string {
	if x == 0 {
		return fmt.Sprintf("%+g", y-x)
	}
	return fmt.Sprintf("%+.3g%%", 100*(y-x)/math.Abs(x))
}

func fmtNum(x float64) string { return strconv.FormatFloat(x, 'g', 10, 64) }
